import type { ReactNode } from 'react';
import { Anchor, Box, Group, SegmentedControl, Stack, Text, ThemeIcon } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LANGUAGES } from '../../../shared/languages.ts';
import { applyLanguage, isLanguage } from '../../i18n/index.ts';
import { useDocumentTitle } from '../../components/documentTitle.ts';
import { MAIN_ID, SkipLink } from '../../components/SkipLink.tsx';

/**
 * The press-freedom monitor's own name and mark: the public press pages are not the trafficking
 * hotline's, and carry neither its name nor its quick exit.
 */
function PressLogo() {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap" data-testid="press-brand">
      <ThemeIcon size="lg" radius="xl" variant="filled" color="indigo.9" aria-hidden>
        <Text fw={800} size="sm" c="white">¶</Text>
      </ThemeIcon>
      <div>
        <Text fw={700} lh={1.1} c="indigo.9">{t('pressPublic.brand')}</Text>
        <Text size="xs" c="dimmed" lh={1.1} visibleFrom="xs">{t('pressPublic.tagline')}</Text>
      </div>
    </Group>
  );
}

/**
 * The public press pages' frame: no sign-in, the monitor's own name, a language switch, the open-data
 * links. The browser's title is the screen's name (`screen`, e.g. an incident's title) before the
 * monitor's own name.
 */
export function PublicChrome({ screen, children }: { screen?: string | null; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  useDocumentTitle(screen, t('pressPublic.brand'));
  return (
    <Box mih="100vh" bg="indigo.0" px={{ base: 'sm', xs: 'md' }} py="lg">
      <SkipLink />
      <Stack maw={1280} mx="auto" gap="lg">
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/public/press" underline="never"><PressLogo /></Anchor>
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
