import type { FastifyReply, FastifyRequest } from 'fastify';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import type { Platform } from '../hub/registry.js';
import { presentsPinnedCertificate } from './client-certificate.js';
import { TokenBuckets, type Budget } from './token-buckets.js';

export interface AdmissionOptions {
  /** Each partner's request budget unless the operator set one for it (admin API). */
  partnerBudget?: Budget;
  /** Failed authentications allowed per source address, OCPI and admin tokens alike. */
  failedAuthBudget?: Budget;
}

export const DEFAULT_PARTNER_BUDGET: Budget = { perSecond: 100, burst: 1000 };
/** 20 wrong tokens at once, then one every 6 seconds: enough for a typo, far too few to guess. */
export const DEFAULT_FAILED_AUTH_BUDGET: Budget = { perSecond: 1 / 6, burst: 20 };

/** Too many requests: HTTP 429 with Retry-After (seconds). */
export class TooManyRequests extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'TooManyRequests';
  }
}

/**
 * Who gets in, and how often: failed-authentication throttling per source address, per-partner
 * request budgets, and client-certificate pinning. State is in memory (see TokenBuckets).
 */
export class Admission {
  private readonly partnerBudget: Budget;
  private readonly failedAuthBudget: Budget;
  private readonly requests = new TokenBuckets();
  private readonly failures = new TokenBuckets();

  constructor(options: AdmissionOptions = {}) {
    this.partnerBudget = options.partnerBudget ?? DEFAULT_PARTNER_BUDGET;
    this.failedAuthBudget = options.failedAuthBudget ?? DEFAULT_FAILED_AUTH_BUDGET;
  }

  /** Runs `authenticate` unless the source address has failed too often; counts its failures. */
  async authenticated<T>(sourceAddress: string, authenticate: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
    const wait = this.failures.waitFor(sourceAddress, this.failedAuthBudget);
    if (wait > 0) throw new TooManyRequests(`Too many failed authentications from ${sourceAddress}; retry after ${wait} s`, wait);
    try {
      return await authenticate();
    } catch (error) {
      if (isFailure(error)) this.failures.take(sourceAddress, this.failedAuthBudget);
      throw error;
    }
  }

  /** Spends one request of the partner's budget. */
  spend(platform: Platform): void {
    const budget = platform.rateLimit ?? this.partnerBudget;
    const wait = this.requests.take(platform.id, budget);
    if (wait > 0) throw new TooManyRequests(`Request budget of ${budget.perSecond}/s exceeded; retry after ${wait} s`, wait);
  }

  /**
   * The OCPI gate, around `authenticate`: throttled source addresses, the partner's pinned client
   * certificate (its tokens count only over such a connection), then its request budget.
   */
  async admitOcpi(request: FastifyRequest, reply: FastifyReply, authenticate: () => Promise<void>): Promise<void> {
    try {
      await this.authenticated(request.ip, authenticate, (error) => error instanceof OcpiError && error.httpStatus === 401);
      const platform = request.ocpi.platform;
      if (!platform) return;
      if (!presentsPinnedCertificate(request, platform)) {
        this.failures.take(request.ip, this.failedAuthBudget);
        throw OcpiError.unauthorized('This token is accepted only over a connection presenting the client certificate pinned for it');
      }
      this.spend(platform);
    } catch (error) {
      if (!(error instanceof TooManyRequests)) throw error;
      reply.header('Retry-After', String(error.retryAfterSeconds));
      throw new OcpiError(OcpiStatus.CLIENT_ERROR, error.message, 429);
    }
  }
}
