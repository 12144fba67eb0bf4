import type { ReactNode } from 'react';
import { Anchor, Box, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LANGUAGES } from '../../../shared/languages.ts';
import { applyLanguage, isLanguage } from '../../i18n/index.ts';
import { Logo } from '../../components/Logo.tsx';
import { useDocumentTitle } from '../../components/documentTitle.ts';
import { MAIN_ID, SkipLink } from '../../components/SkipLink.tsx';

/**
 * The public press pages' frame: no sign-in, a language switch, the open-data links. The browser's
 * title is the screen's name (`screen`, e.g. an incident's title) before the press page's own name.
 */
export function PublicChrome({ screen, children }: { screen?: string | null; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  useDocumentTitle(screen, t('press.publicTitle'));
  return (
    <Box mih="100vh" bg="gray.0" px={{ base: 'sm', xs: 'md' }} py="lg">
      <SkipLink />
      <Stack maw={1280} mx="auto" gap="lg">
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/public/press" underline="never"><Logo /></Anchor>
          <SegmentedControl
            size="xs"
            data-print="hide"
            aria-label={t('account.language')}
            value={i18n.language}
            onChange={(v) => { if (isLanguage(v)) void applyLanguage(v); }}
            data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))}
          />
        </Group>
        <Stack component="main" id={MAIN_ID} tabIndex={-1} gap="lg">
          {children}
        </Stack>
        <Group gap="md" justify="center" data-print="hide">
          <Text size="sm" fw={600}>{t('press.openData')}:</Text>
          <Anchor size="sm" href="/api/public/press/export.csv">{t('press.csv')}</Anchor>
          <Anchor size="sm" href="/api/public/press/export.json">{t('press.json')}</Anchor>
          <Anchor size="sm" href="/api/public/press/data-dictionary">{t('press.dictionary')}</Anchor>
        </Group>
      </Stack>
    </Box>
  );
}
