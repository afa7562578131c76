import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey, ApiKeyRole } from '@roster-ledger/config';
import type { ViewerRole } from '@roster-ledger/ledger';

// The configuration keeps its own list of roles (it may import the domain only): the two must agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rolesAgree: Same<ApiKeyRole, ViewerRole> = true;
void rolesAgree;

/** The holder of a key: their name (for the access log and `by` of approvals) and role. */
export interface KeyHolder {
  name: string;
  role: ViewerRole;
}

interface StoredKey extends KeyHolder {
  hash: Buffer;
}

/**
 * The configured API keys, by their SHA-256 only. A presented key is hashed and compared with
 * every stored hash in constant time, and the loop never stops early, so the time taken says
 * nothing about which key (or how much of one) matched.
 */
export class ApiKeyRegistry {
  private readonly keys: StoredKey[];

  constructor(keys: readonly ApiKey[]) {
    this.keys = keys.map((k) => ({ name: k.name, role: k.role, hash: Buffer.from(k.sha256, 'hex') }));
  }

  /** The holder of a presented key, or null when no configured key matches. */
  identify(presented: string): KeyHolder | null {
    const hash = createHash('sha256').update(presented, 'utf8').digest();
    let found: StoredKey | null = null;
    for (const key of this.keys) {
      if (timingSafeEqual(hash, key.hash) && found === null) found = key;
    }
    return found === null ? null : { name: found.name, role: found.role };
  }
}
