-- Plug & Charge (see pnc/): the root and contract certificate pools of the Open Plug&Charge
-- Protocol, the OAuth2 clients that reach them, and webhook subscriptions with their deliveries.

-- Trusted V2G, MO and OEM roots (OPCP rcp.v1); certificates are base64 DER.
CREATE TABLE pnc_root_certificates (
  id                  uuid PRIMARY KEY,
  root_type           text NOT NULL CHECK (root_type IN ('V2G', 'MO', 'OEM', 'PE')),
  distinguished_name  text NOT NULL,
  common_name         text,
  fingerprint         text NOT NULL UNIQUE,
  certificate         text NOT NULL,
  valid_from          timestamptz NOT NULL,
  valid_to            timestamptz NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);

-- OAuth2 client credentials of a registered party: a CPO, or an eMSP acting as mobility operator
-- (MO) for its provider ids. The secret is kept as a digest; deleting the party removes them.
CREATE TABLE pnc_clients (
  client_id      text PRIMARY KEY,
  secret_digest  text NOT NULL,
  party          uuid NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
  role           text NOT NULL CHECK (role IN ('CPO', 'MO')),
  provider_ids   text[] NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- Signed contract data per EMAID (OPCP ccp.v1), owned by the MO party that published it.
-- `emaid_key` is the EMAID without separators and check digit, so that every spelling finds it.
CREATE TABLE pnc_contracts (
  emaid_key             text PRIMARY KEY,
  emaid                 text NOT NULL,
  provider              text NOT NULL,
  owner_country         text NOT NULL,
  owner_party           text NOT NULL,
  pcid                  text NOT NULL,
  xsd_namespace         text NOT NULL,
  signed_contract_data  text NOT NULL,
  contract_certificate  text NOT NULL,
  certificate_fingerprint text NOT NULL,
  root_fingerprint      text NOT NULL,
  is_default            boolean NOT NULL DEFAULT false,
  valid_from            timestamptz NOT NULL,
  valid_to              timestamptz NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pnc_contracts_by_pcid ON pnc_contracts (pcid);
-- One default contract per vehicle: the one installed when the vehicle names none.
CREATE UNIQUE INDEX pnc_contracts_default ON pnc_contracts (pcid) WHERE is_default;

-- Contract certificates their MO revoked on deletion: never accepted again, and a charge
-- authorized from the pool is refused for them.
CREATE TABLE pnc_revoked_certificates (
  fingerprint  text PRIMARY KEY,
  emaid_key    text NOT NULL,
  revoked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pnc_revoked_by_emaid ON pnc_revoked_certificates (emaid_key);

-- Webhook endpoints (OPCP webhooks.v1) of a client, and each event's delivery to each of them.
CREATE TABLE pnc_webhooks (
  id              uuid PRIMARY KEY,
  client_id       text NOT NULL REFERENCES pnc_clients (client_id) ON DELETE CASCADE,
  url             text NOT NULL,
  description     text,
  enabled_events  text[] NOT NULL,
  status          text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  metadata        jsonb NOT NULL DEFAULT '{}',
  secret          text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pnc_webhook_deliveries (
  id               bigserial PRIMARY KEY,
  webhook_id       uuid NOT NULL REFERENCES pnc_webhooks (id) ON DELETE CASCADE,
  event            jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pnc_webhook_deliveries_due ON pnc_webhook_deliveries (status, next_attempt_at);
