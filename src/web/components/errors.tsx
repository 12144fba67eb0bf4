import { Alert } from '@mantine/core';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { isApiError } from '../api/errors.ts';

/** A translated sentence for an error from the API (its stable code), or the server's own message. */
export function errorText(t: TFunction, e: unknown): string {
  if (isApiError(e)) {
    const key = `error.${e.code}`;
    const text = t(key, { defaultValue: '' });
    return text || e.message;
  }
  return t('error.unexpected');
}

export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={t('error.title')}>
      {errorText(t, error)}
    </Alert>
  );
}

export type FieldErrors = Record<string, string>;

/**
 * A form's own translations of the messages its request schema gives (the same words the server sends
 * in a 400's `fields`): the schema's English message -> the text shown at the field.
 */
export type FieldMessages = Record<string, string>;

/** Checks form values with the shared request schema; returns translated messages by field, or null. */
export function checkForm<S extends z.ZodType>(t: TFunction, schema: S, values: unknown, messages: FieldMessages = {}): { data: z.infer<S>; errors: null } | { data: null; errors: FieldErrors } {
  const r = schema.safeParse(values);
  if (r.success) return { data: r.data, errors: null };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    if (errors[field]) continue;
    errors[field] = messages[issue.message] ?? issueText(t, issue);
  }
  return { data: null, errors };
}

function issueText(t: TFunction, issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return t('validation.required');
      if (issue.origin === 'string') return t('validation.minLength', { count: Number(issue.minimum) });
      return t('validation.invalid');
    case 'too_big':
      if (issue.origin === 'string') return t('validation.maxLength', { count: Number(issue.maximum) });
      return t('validation.invalid');
    case 'invalid_format':
      if (issue.format === 'email') return t('validation.email');
      if (issue.format === 'regex') return t('validation.sixDigits');
      return t('validation.invalid');
    case 'invalid_type':
      return t('validation.required');
    case 'custom':
      return issue.message === 'mismatch' ? t('validation.mismatch') : t('validation.invalid');
    case 'invalid_element':
    case 'invalid_key':
    case 'invalid_union':
    case 'invalid_value':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return t('validation.invalid');
  }
}

/** Field messages from a validation error of the server, merged under the client's own. */
export function serverFieldErrors(t: TFunction, e: unknown, messages: FieldMessages = {}): FieldErrors {
  if (!isApiError(e)) return {};
  const out: FieldErrors = {};
  for (const [field, msg] of Object.entries(e.fields)) {
    const own = messages[msg];
    if (own !== undefined) out[field] = own;
    else if (msg === 'already in use') out[field] = t('validation.taken');
    else if (msg === 'wrong password') out[field] = t('validation.wrongPassword');
    else if (msg === 'wrong code') out[field] = t('validation.wrongCode');
    else out[field] = msg;
  }
  return out;
}

/**
 * The state of a form that checks its values with a request schema, then sends them:
 * `submit(schema, values, send)` clears the last error, shows the client's field messages or, when
 * the values pass, runs `send` with the parsed data while `busy`, and shows what the server refused.
 * `messages` translates the schema's own messages where the generic ones would say too little.
 */
export function useFormSubmit(messages: FieldMessages = {}) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async <S extends z.ZodType>(schema: S, values: unknown, send: (data: z.infer<S>) => Promise<void>): Promise<void> => {
    setError(null);
    const checked = checkForm(t, schema, values, messages);
    if (checked.errors) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    try {
      await send(checked.data);
    } catch (err) {
      setError(err);
      setErrors(serverFieldErrors(t, err, messages));
    } finally {
      setBusy(false);
    }
  };
  return { errors, error, busy, submit, setErrors, setError };
}
