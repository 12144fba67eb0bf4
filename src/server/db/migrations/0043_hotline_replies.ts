/**
 * Replies from the console and public reports.
 * - A contact keeps where a reply goes (the SMS/WhatsApp number or Telegram chat, and the hotline's own
 *   number it was written to), AES-256-GCM encrypted under a key outside the database, from the
 *   contactor's latest message. Only channels that can be answered have one.
 * - An outbound message carries its delivery: pending (with the next attempt's time), sent or failed,
 *   the attempts made and the last error. The pending rows are the delivery queue.
 * - A public report's follow-up code is stored only as its SHA-256.
 */
export const up = /* sql */ `
ALTER TABLE contacts ADD COLUMN reply_address_enc bytea;

ALTER TABLE contact_messages
  ADD COLUMN delivery_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN delivery_error text,
  ADD COLUMN next_attempt_at timestamptz(3),
  ADD COLUMN delivered_at timestamptz(3),
  ADD COLUMN provider_message_id text;
CREATE INDEX contact_messages_pending_idx ON contact_messages (next_attempt_at) WHERE delivery = 'pending';

ALTER TABLE contact_inbound_events DROP CONSTRAINT contact_inbound_events_source_check;
ALTER TABLE contact_inbound_events ADD CONSTRAINT contact_inbound_events_source_check
  CHECK (source IN ('twilio_call','twilio_message','telegram','webhook','public_report'));

CREATE TABLE contact_follow_up_codes (
  code_hash bytea PRIMARY KEY,
  contact_id uuid NOT NULL UNIQUE REFERENCES contacts(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at timestamptz(3)
);
`;
