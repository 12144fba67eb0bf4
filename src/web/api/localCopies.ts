/**
 * Copies of unsaved form input kept in the browser's localStorage (today: the hotline contact form,
 * `pathway.contactDraft.<contactId>`). They hold personal data in clear text, so each carries the
 * id of the user who typed it and all of them are removed when the session ends: on sign-out, on
 * any 401 from the API (an expired or revoked session) and when a different user signs in.
 */
export const CONTACT_DRAFT_PREFIX = 'pathway.contactDraft.';

export const contactDraftKey = (contactId: string) => `${CONTACT_DRAFT_PREFIX}${contactId}`;

/** Removes every contact-form copy, or (with `keepUserId`) those not typed by that user. */
export function clearContactDrafts(keepUserId?: string): void {
  try {
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith(CONTACT_DRAFT_PREFIX)) keys.push(k);
    }
    for (const k of keys) {
      if (keepUserId !== undefined && ownerOf(localStorage.getItem(k)) === keepUserId) continue;
      localStorage.removeItem(k);
    }
  } catch {
    // No storage (private browsing): nothing was kept.
  }
}

function ownerOf(raw: string | null): string | null {
  try {
    const v = raw ? (JSON.parse(raw) as { userId?: unknown }) : null;
    return typeof v?.userId === 'string' ? v.userId : null;
  } catch {
    return null;
  }
}

export function removeContactDraft(contactId: string): void {
  try {
    localStorage.removeItem(contactDraftKey(contactId));
  } catch {
    // As above.
  }
}
