/**
 * The hotline's channels configured in the product (docs/hotline.md, "Configuration"):
 * - `hotline_settings`: one row, the agency that owns incoming contacts and the channels' settings;
 *   the secrets (Twilio auth token, Telegram bot token and webhook secret, the signed webhook's
 *   secret) sealed with the master key (AES-256-GCM, bound to their column). Environment variables,
 *   when set, win over this row.
 * - test contacts (`contacts.is_test`), sent from the Channels screen through the intake path, and
 *   the demo's simulated contacts: inbound sources `test` and `simulation`; the last event of each
 *   source is found through an index.
 * - presence: an operator whose console is closed is `offline`; `console_streams` holds each open
 *   console stream and when it last beat, `operator_states.console_seen_at` the last beat of any.
 * - `channels:manage` for administrators of installations made before this migration.
 */
export const up = /* sql */ `
CREATE TABLE hotline_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  agency_id uuid REFERENCES agencies(id),
  twilio_account_sid text,
  twilio_auth_token_enc bytea,
  twilio_from text,
  telegram_bot_token_enc bytea,
  telegram_secret_enc bytea,
  webhook_secret_enc bytea,
  updated_by uuid REFERENCES users(id),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
INSERT INTO hotline_settings (id) VALUES (true);

ALTER TABLE contacts ADD COLUMN is_test boolean NOT NULL DEFAULT false;
ALTER TABLE contact_inbound_events DROP CONSTRAINT contact_inbound_events_source_check;
ALTER TABLE contact_inbound_events ADD CONSTRAINT contact_inbound_events_source_check
  CHECK (source IN ('twilio_call','twilio_message','telegram','webhook','public_report','test','simulation'));
CREATE INDEX contact_inbound_events_source_time_idx ON contact_inbound_events (source, received_at);

ALTER TABLE operator_states DROP CONSTRAINT operator_states_state_check;
ALTER TABLE operator_states ADD CONSTRAINT operator_states_state_check CHECK (state IN ('available','on_contact','wrap_up','break','offline'));
ALTER TABLE operator_states ADD COLUMN console_seen_at timestamptz(3);
CREATE TABLE console_streams (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  seen_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX console_streams_user_idx ON console_streams (user_id, seen_at);
CREATE INDEX operator_states_seen_idx ON operator_states (console_seen_at) WHERE state IN ('available','break');

UPDATE roles SET permissions = array_append(permissions, 'channels:manage')
  WHERE code = 'administrator' AND NOT ('channels:manage' = ANY (permissions));
`;
