/** The admin API as the console calls it: the session cookie, and the CSRF token on every change. */
let csrfToken = '';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(method === 'GET' ? {} : { 'X-CSRF-Token': csrfToken }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, parsed?.message ?? `HTTP ${response.status}`);
  return parsed as T;
}

export interface Me {
  username: string;
  role: 'admin' | 'support' | 'finance' | 'read-only' | 'partner';
  parties: string[] | null;
  csrf_token: string | null;
}

export async function whoAmI(): Promise<Me | undefined> {
  try {
    const me = await api<Me>('GET', '/api/auth/me');
    csrfToken = me.csrf_token ?? '';
    return me;
  } catch {
    return undefined;
  }
}

export async function login(username: string, password: string): Promise<Me | undefined> {
  await api('POST', '/api/auth/login', { username, password });
  return whoAmI();
}

export const logout = () => api('POST', '/api/auth/logout');
