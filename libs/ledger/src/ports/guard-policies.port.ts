import type { GuardPolicy } from '@roster-ledger/domain';

/** The mass-change guard policy of each district (configuration). */
export interface GuardPolicies {
  policyFor(districtId: string): GuardPolicy;
}
