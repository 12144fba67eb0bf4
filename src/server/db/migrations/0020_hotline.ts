/**
 * The hotline: contacts from every channel, the messages of a conversation, inbound provider events
 * (for deduplication), server-side drafts of the contact form, ILO screenings and escalations.
 * Numbers and handles are never stored in clear: a keyed hash (HMAC-SHA256, key outside the
 * database) for repeat-contactor matching and the last three digits.
 */
export const up = /* sql */ `
CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('call','sms','whatsapp','telegram','web_chat','web_form','email','walk_in')),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new','ringing','in_progress','wrap_up','completed','abandoned')),
  owner_agency_id uuid NOT NULL REFERENCES agencies(id),
  assigned_user_id uuid REFERENCES users(id),
  -- The provider's id of the contact itself (a call's CallSid); messages keep theirs in contact_messages.
  external_id text,
  contactor_hash bytea,
  contactor_last3 text CHECK (contactor_last3 ~ '^[0-9]{1,3}$'),
  -- Only with the contactor's consent; AES-256-GCM with a key outside the database.
  callback_number_enc bytea,
  entered_by uuid REFERENCES users(id),
  contactor_type text CHECK (contactor_type IN ('victim','family_member','friend','witness','professional','employer','anonymous','other')),
  contact_type text CHECK (contact_type IN ('trafficking_report','information_request','service_request','non_trafficking','silent','prank','wrong_number','abusive')),
  language text,
  region text,
  city text,
  persons jsonb NOT NULL DEFAULT '[]',
  categories text[] NOT NULL DEFAULT '{}',
  summary text,
  urgency text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal','high','immediate_danger')),
  outcomes text[] NOT NULL DEFAULT '{}',
  outcome_note text,
  received_at timestamptz(3) NOT NULL DEFAULT now(),
  answered_at timestamptz(3),
  ended_at timestamptz(3),
  completed_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contacts_external_key ON contacts (channel, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX contacts_created_idx ON contacts (created_at, id);
CREATE INDEX contacts_agency_created_idx ON contacts (owner_agency_id, created_at, id);
CREATE INDEX contacts_assigned_idx ON contacts (assigned_user_id, created_at) WHERE assigned_user_id IS NOT NULL;
CREATE INDEX contacts_open_idx ON contacts (owner_agency_id, received_at) WHERE status IN ('new','ringing','in_progress','wrap_up');
CREATE INDEX contacts_contactor_idx ON contacts (contactor_hash, created_at) WHERE contactor_hash IS NOT NULL;
CREATE INDEX contacts_status_idx ON contacts (status, created_at);
CREATE INDEX contacts_channel_idx ON contacts (channel, created_at);
CREATE INDEX contacts_region_idx ON contacts (region, created_at);

-- One row per provider event that creates or joins a contact: a retried CallSid, MessageSid, Telegram
-- update_id or webhook event id finds its row and changes nothing.
CREATE TABLE contact_inbound_events (
  source text NOT NULL CHECK (source IN ('twilio_call','twilio_message','telegram','webhook')),
  external_id text NOT NULL,
  contact_id uuid NOT NULL REFERENCES contacts(id),
  received_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (source, external_id)
);

CREATE TABLE contact_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  contact_id uuid NOT NULL REFERENCES contacts(id),
  direction text NOT NULL CHECK (direction IN ('in','out')),
  body text NOT NULL,
  media_count integer NOT NULL DEFAULT 0,
  sent_by uuid REFERENCES users(id),
  delivery text CHECK (delivery IN ('pending','sent','failed')),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX contact_messages_contact_idx ON contact_messages (contact_id, created_at);

-- The half-filled contact form of one user, saved often; survives reloads and restarts.
CREATE TABLE contact_drafts (
  contact_id uuid NOT NULL REFERENCES contacts(id),
  user_id uuid NOT NULL REFERENCES users(id),
  data jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (contact_id, user_id)
);

CREATE TABLE contact_screenings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  contact_id uuid NOT NULL REFERENCES contacts(id),
  person_index integer,
  list text NOT NULL CHECK (list IN ('adult_labour','child_labour','adult_sexual','child_sexual')),
  list_reason text NOT NULL,
  -- [{ code, observedBy, observedAt, source }]
  indicators jsonb NOT NULL,
  recruitment_act_established boolean NOT NULL DEFAULT false,
  presumed_victim boolean NOT NULL,
  provisional boolean NOT NULL,
  catalogue_version text NOT NULL,
  rule_version text NOT NULL,
  -- The full result as computed, so that it can be shown and reproduced as it was.
  result jsonb NOT NULL,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX contact_screenings_contact_idx ON contact_screenings (contact_id, created_at);

CREATE TABLE contact_escalations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  contact_id uuid NOT NULL REFERENCES contacts(id),
  reason text NOT NULL,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  -- The agencies whose consoles were alerted: the owning agency's supervisors and the region's police.
  alerted_agency_ids uuid[] NOT NULL DEFAULT '{}',
  alerted_at timestamptz(3),
  acknowledged_at timestamptz(3),
  acknowledged_by uuid REFERENCES users(id)
);
CREATE INDEX contact_escalations_contact_idx ON contact_escalations (contact_id, created_at);
CREATE INDEX contact_escalations_open_idx ON contact_escalations (created_at) WHERE acknowledged_at IS NULL;

-- Supervisors reassign contacts; installations made before this migration get the permission too.
UPDATE roles SET permissions = array_append(permissions, 'contacts:supervise')
  WHERE code = 'supervisor' AND NOT ('contacts:supervise' = ANY (permissions));
`;
