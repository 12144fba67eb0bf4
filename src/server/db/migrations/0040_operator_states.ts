/**
 * The hotline console's operator states (available, on contact, wrap-up, break), one row per user
 * who works contacts, and the outbox of e-mails (escalation alerts): an e-mail is written in the
 * transaction of what it tells about and delivered from here with retries, so none is ever lost.
 */
export const up = /* sql */ `
CREATE TABLE operator_states (
  user_id uuid PRIMARY KEY REFERENCES users(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  state text NOT NULL CHECK (state IN ('available','on_contact','wrap_up','break')),
  -- The contact that put the operator on contact or in wrap-up.
  contact_id uuid REFERENCES contacts(id),
  since timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX operator_states_agency_idx ON operator_states (agency_id, state);

CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- What the e-mail is about (for example 'escalation') and its record, to find it again.
  kind text NOT NULL,
  record_id uuid,
  recipient text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
  last_error text,
  sent_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_record_idx ON mail_outbox (kind, record_id);
`;
