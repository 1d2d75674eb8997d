/**
 * A partner's side of the hub's Open Plug&Charge Protocol interfaces (/opcp): it obtains an access
 * token with its client credentials and calls the pools with it.
 */
export class OpcpClient {
  private accessToken?: string;

  constructor(
    readonly hubUrl: string,
    readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  async token(): Promise<string> {
    if (this.accessToken) return this.accessToken;
    const reply = await this.call('POST', '/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.clientSecret, audience: this.hubUrl },
      anonymous: true,
    });
    if (reply.status !== 200) throw new Error(`No access token: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
    this.accessToken = (reply.body as { access_token: string }).access_token;
    return this.accessToken;
  }

  /** Calls a path below /opcp; the answer's JSON body, if any. */
  async call<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; anonymous?: boolean } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { ...options.headers };
    if (!options.anonymous) headers.authorization = `Bearer ${await this.token()}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.hubUrl}/opcp${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : (undefined as T) };
  }
}
