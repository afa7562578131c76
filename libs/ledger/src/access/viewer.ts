import type { PersonalAccess } from '@roster-ledger/domain';

/** Roles of API keys and CLI users. */
export const VIEWER_ROLES = ['admin', 'engineer', 'compliance', 'support'] as const;
export type ViewerRole = (typeof VIEWER_ROLES)[number];

/** Who may read the audit feed and the access log, through the API and the CLI alike. */
export const AUDIT_READERS: readonly ViewerRole[] = ['compliance', 'admin'];

/** Who is asking, and through which endpoint or command (for the access log). */
export interface Viewer {
  name: string;
  role: ViewerRole;
  via: string;
}

/**
 * What each role may see of personal data: compliance and admins everything, support enough to
 * find and recognise a person (no demographics, birth dates or addresses), engineers nothing.
 */
export function personalAccessOf(role: ViewerRole): PersonalAccess {
  switch (role) {
    case 'admin':
    case 'compliance':
      return 'full';
    case 'support':
      return 'identity';
    case 'engineer':
      return 'none';
  }
}
