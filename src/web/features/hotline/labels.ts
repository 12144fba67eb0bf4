import type { TFunction } from 'i18next';

/** Channel, status and urgency names for the hotline's screens (texts in the hotline-public module). */
export const channelLabel = (t: TFunction, c: string) => t(`hotlinePublic.channel.${c}`, { defaultValue: c });
export const statusLabel = (t: TFunction, s: string) => t(`hotlinePublic.status.${s}`, { defaultValue: s });
export const urgencyLabel = (t: TFunction, u: string) => t(`hotlinePublic.urgency.${u}`, { defaultValue: u });
