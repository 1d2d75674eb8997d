/** A small client of the admin API, for the CLI. Errors exit with the hub's message. */
export class AdminClient {
  private readonly baseUrl: string;

  constructor(private readonly options: { hubUrl: string; adminToken: string }) {
    this.baseUrl = options.hubUrl.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PUT', path, body);
  }

  delete<T = void>(path: string): Promise<T> {
    return this.send<T>('DELETE', path);
  }

  /** A document the API serves as is (CSV, PDF). */
  async download(path: string): Promise<Buffer> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { Authorization: `Bearer ${this.options.adminToken}` } }).catch((error: Error) => {
      throw new CliError(`Cannot reach the hub at ${this.baseUrl}: ${error.message}`);
    });
    if (!response.ok) throw new CliError(`GET ${path} failed (HTTP ${response.status}): ${await response.text()}`);
    return Buffer.from(await response.arrayBuffer());
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.options.adminToken}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`Cannot reach the hub at ${this.baseUrl}: ${(error as Error).message}`);
    }
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new CliError(`${method} ${path} failed (HTTP ${response.status}): ${parsed?.message ?? text}`);
    return parsed as T;
  }
}

export class CliError extends Error {}
