import { Group, Text, ThemeIcon } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function Logo() {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <ThemeIcon size="lg" radius="md" variant="filled" color="pathway" aria-hidden>
        <Text fw={800} size="lg" c="white">P</Text>
      </ThemeIcon>
      <div>
        <Text fw={700} lh={1.1}>Pathway</Text>
        <Text size="xs" c="dimmed" lh={1.1} visibleFrom="xs">{t('app.tagline')}</Text>
      </div>
    </Group>
  );
}
