import { Modal } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AdminUserView } from '../../../shared/schemas/admin.ts';
import { TokensPanel } from '../account/TokensPanel.tsx';

export function ServiceTokensModal({ user, onClose }: { user: AdminUserView; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={t('users.tokensFor', { name: user.name })} size="xl">
      <TokensPanel basePath={`/users/${user.id}/tokens`} />
    </Modal>
  );
}
