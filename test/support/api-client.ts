import { createHash } from 'node:crypto';
import type { ViewerRole } from '@roster-ledger/ledger';

/** One API key per role, as a test configures them: the key itself, and its configured form (hashed). */
export const TEST_KEYS: Record<ViewerRole, { name: string; key: string }> = {
  admin: { name: 'ada-admin', key: 'admin-secret-key' },
  engineer: { name: 'eve-engineer', key: 'engineer-secret-key' },
  compliance: { name: 'carl-compliance', key: 'compliance-secret-key' },
  support: { name: 'sam-support', key: 'support-secret-key' },
};

/** The value of LEDGER_API_KEYS for TEST_KEYS. */
export const testKeysConfig = (): string =>
  JSON.stringify(
    Object.entries(TEST_KEYS).map(([role, { name, key }]) => ({ name, role, sha256: createHash('sha256').update(key).digest('hex') })),
  );

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON (problem+json included), else the text. */
  body: T;
  text: string;
}

/** A user of the API over real HTTP (Node's fetch), asking as one role or without a key. */
export class ApiClient {
  constructor(readonly base: string) {}

  as(role: ViewerRole | null, via: 'bearer' | 'header' = 'bearer'): RoleClient {
    return new RoleClient(this.base, role === null ? null : TEST_KEYS[role].key, via);
  }
}

export class RoleClient {
  constructor(
    private readonly base: string,
    private readonly key: string | null,
    private readonly via: 'bearer' | 'header',
  ) {}

  get<T = any>(path: string): Promise<ApiAnswer<T>> {
    return this.send<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.send<T>('POST', path, body);
  }

  /** Any method, for asking a path with one it does not take. */
  request<T = any>(method: string, path: string): Promise<ApiAnswer<T>> {
    return this.send<T>(method, path);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (this.key !== null) {
      if (this.via === 'bearer') headers['Authorization'] = `Bearer ${this.key}`;
      else headers['X-Api-Key'] = this.key;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    // as sent: a byte order mark kept (response.text() drops it), so that a test can see one
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    // (a HEAD answer has the headers of its JSON and no body)
    const json = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
    return { status: response.status, headers: response.headers, body: (json ? JSON.parse(text) : text) as T, text };
  }
}
