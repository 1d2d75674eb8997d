import { Type } from '@sinclair/typebox';
import { Nullable } from './schemas.js';

/** Schemas of the support views: timelines and their verdicts. */

export const BlameSchema = Type.String({ enum: ['CPO', 'EMSP', 'HUB', 'NETWORK', 'OTHER'] });

export const HopView = Type.Object({
  at: Type.String({ format: 'date-time', description: 'When the hop started' }),
  kind: Type.String({ enum: ['TAP', 'AUTHORIZATION', 'COMMAND', 'SESSION', 'CDR', 'LOCATION', 'TARIFF', 'TOKEN', 'OTHER'] }),
  summary: Type.String(),
  correlation_id: Nullable(Type.String()),
  direction: Type.String({ enum: ['IN', 'OUT'] }),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  method: Type.String(),
  url: Type.String(),
  http_status: Nullable(Type.Number()),
  ocpi_status: Nullable(Type.Number()),
  duration_ms: Nullable(Type.Integer()),
  blame: Nullable(BlameSchema),
  error: Nullable(Type.String()),
  rule: Nullable(Type.String()),
});

export const VerdictView = Type.Object({
  failed: Type.Boolean({ description: "Whether the driver's journey failed" }),
  blame: Nullable(BlameSchema),
  driver: Type.String({ description: 'What happened to the driver' }),
  reason: Type.String(),
  action: Type.String({ description: 'Who must act, and how' }),
  rule: Nullable(Type.String({ description: 'The authorization rule that decided' })),
});

export const TimelineView = Type.Object({ hops: Type.Array(HopView), verdict: VerdictView });
