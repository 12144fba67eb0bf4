import { useState, type FormEvent } from 'react';
import { Badge, Button, Group, Modal, NumberInput, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { CreateTokenBody, CreatedToken, TokenView } from '../../../shared/schemas/auth.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { ShowOnce } from '../../components/ShowOnce.tsx';

const TokenList = z.object({ items: z.array(TokenView) });
type Token = z.infer<typeof TokenView>;

/** API tokens of one account: /auth/tokens for oneself, /users/:id/tokens for a service account. */
export function TokensPanel({ basePath }: { basePath: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const qc = useQueryClient();
  const key = ['tokens', basePath];
  const list = useQuery({ queryKey: key, queryFn: () => api('GET', basePath, undefined, TokenList) });
  const revoke = useMutation({
    mutationFn: (id: string) => api('DELETE', `${basePath}/${id}`, undefined, TokenView),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const [creating, setCreating] = useState(false);

  const status = (tok: Token) =>
    tok.revokedAt ? <Badge color="gray">{t('tokens.revoked')}</Badge> : new Date(tok.expiresAt) < new Date() ? <Badge color="gray">{t('tokens.expired')}</Badge> : <Badge color="teal">{t('tokens.active')}</Badge>;

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">{t('tokens.intro')}</Text>
        <Button onClick={() => setCreating(true)}>{t('tokens.create')}</Button>
      </Group>
      <ErrorAlert error={list.error ?? revoke.error} />
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.name')}</Table.Th>
              <Table.Th>{t('tokens.prefix')}</Table.Th>
              <Table.Th>{t('tokens.created')}</Table.Th>
              <Table.Th>{t('tokens.expires')}</Table.Th>
              <Table.Th>{t('tokens.lastUsed')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th><VisuallyHidden>{t('common.actions')}</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data?.items.length === 0 && (
              <Table.Tr><Table.Td colSpan={7}><Text c="dimmed" size="sm">{t('tokens.none')}</Text></Table.Td></Table.Tr>
            )}
            {list.data?.items.map((tok) => (
              <Table.Tr key={tok.id}>
                <Table.Td>{tok.name}</Table.Td>
                <Table.Td><code>{tok.prefix}…</code></Table.Td>
                <Table.Td>{f.short(tok.createdAt)}</Table.Td>
                <Table.Td>{f.short(tok.expiresAt)}</Table.Td>
                <Table.Td>{f.dateTime(tok.lastUsedAt)}</Table.Td>
                <Table.Td>{status(tok)}</Table.Td>
                <Table.Td>
                  {!tok.revokedAt && (
                    <Button size="xs" variant="light" color="red" loading={revoke.isPending && revoke.variables === tok.id} onClick={() => { if (window.confirm(t('tokens.revokeConfirm', { name: tok.name }))) revoke.mutate(tok.id); }}>
                      {t('tokens.revoke')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} basePath={basePath} onCreated={() => qc.invalidateQueries({ queryKey: key })} />
    </Stack>
  );
}

function CreateTokenModal({ opened, onClose, basePath, onCreated }: { opened: boolean; onClose: () => void; basePath: string; onCreated: () => Promise<void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>(90);
  const { errors, error, busy, submit: send, setErrors, setError } = useFormSubmit();
  const [created, setCreated] = useState<string | null>(null);

  const close = () => {
    setName('');
    setDays(90);
    setErrors({});
    setError(null);
    setCreated(null);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(CreateTokenBody, { name, expiresInDays: Number(days) }, async (data) => {
      const res = await api('POST', basePath, data, CreatedToken);
      setCreated(res.token);
      await onCreated();
    });
  };

  return (
    <Modal opened={opened} onClose={close} title={t('tokens.create')} size="lg">
      {created ? (
        <Stack>
          <ShowOnce label={t('tokens.yourToken')} value={created} testId="created-token" />
          <Group justify="flex-end"><Button onClick={close}>{t('common.done')}</Button></Group>
        </Stack>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            <TextInput label={t('field.name')} description={t('tokens.nameHelp')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required data-autofocus />
            <NumberInput label={t('tokens.expiresInDays')} min={1} max={366} value={days} onChange={setDays} error={errors.expiresInDays} required />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>{t('common.cancel')}</Button>
              <Button type="submit" loading={busy}>{t('tokens.create')}</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
