import { z } from 'zod';

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Channels a reply can be written on: sent by SMS, WhatsApp or Telegram, or kept for a public reporter's follow-up code. */
export const REPLY_CHANNELS = ['sms', 'whatsapp', 'telegram', 'web_form'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

/** The longest reply each channel carries (Twilio: 1,600 characters; Telegram: 4,096). */
export const REPLY_MAX_LENGTH: Record<ReplyChannel, number> = { sms: 1600, whatsapp: 1600, telegram: 4096, web_form: 10_000 };

export const ReplyBody = z.strictObject({ body: z.string().trim().min(1, 'required').max(10_000) });

/** One message of a conversation, with the delivery of an outbound one. */
export const ConversationMessage = z.object({
  id: z.uuid(),
  direction: z.enum(['in', 'out']),
  body: z.string(),
  mediaCount: z.number().int(),
  sentBy: z.uuid().nullable(),
  /** Outbound only: pending (will be tried again), sent, or failed (gave up; may be retried). */
  delivery: z.enum(DELIVERY_STATUSES).nullable(),
  deliveryAttempts: z.number().int(),
  deliveryError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ConversationMessage = z.infer<typeof ConversationMessage>;

export const Conversation = z.object({
  contactId: z.uuid(),
  channel: z.string(),
  /** Whether a reply can be written on this contact's channel (and, for SMS/WhatsApp/Telegram, whether the address is known). */
  canReply: z.boolean(),
  items: z.array(ConversationMessage),
});
export type Conversation = z.infer<typeof Conversation>;

export const ReplyParams = z.strictObject({ id: z.uuid(), messageId: z.uuid() });
