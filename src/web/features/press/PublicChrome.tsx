import type { ReactNode } from 'react';
import { Anchor, Box, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LANGUAGES } from '../../../shared/schemas/common.ts';
import { applyLanguage, isLanguage } from '../../i18n/index.ts';
import { Logo } from '../../components/Logo.tsx';

/** The public press pages' frame: no sign-in, a language switch, the open-data links. */
export function PublicChrome({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.0" px="md" py="lg">
      <Stack maw={1280} mx="auto" gap="lg">
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/public/press" underline="never"><Logo /></Anchor>
          <SegmentedControl
            size="xs"
            aria-label={t('account.language')}
            value={i18n.language}
            onChange={(v) => { if (isLanguage(v)) void applyLanguage(v); }}
            data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))}
          />
        </Group>
        {children}
        <Group gap="md" justify="center">
          <Text size="sm" fw={600}>{t('press.openData')}:</Text>
          <Anchor size="sm" href="/api/public/press/export.csv">{t('press.csv')}</Anchor>
          <Anchor size="sm" href="/api/public/press/export.json">{t('press.json')}</Anchor>
          <Anchor size="sm" href="/api/public/press/data-dictionary">{t('press.dictionary')}</Anchor>
        </Group>
      </Stack>
    </Box>
  );
}
