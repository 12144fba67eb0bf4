import { NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FieldErrors } from '../../components/errors.tsx';
import { asNumber } from './PopulationEditor.tsx';

/** The disclosure thresholds as typed; an empty rounding means exact values. */
export type DisclosureValues = { dashboardThreshold: number | string; openDataThreshold: number | string; openDataRounding: number | string };
const FIELDS = ['dashboardThreshold', 'openDataThreshold', 'openDataRounding'] as const;

export const disclosureBody = (d: DisclosureValues) => ({
  dashboardThreshold: asNumber(d.dashboardThreshold),
  openDataThreshold: asNumber(d.openDataThreshold),
  openDataRounding: d.openDataRounding === '' ? null : Number(d.openDataRounding),
});

/**
 * Disclosure control of the statistics (docs/statistics.md): the thresholds under which a count is
 * suppressed and the rounding of published values, each with a line on what it does.
 */
export function DisclosureEditor({ values, onChange, errors, editable }: { values: DisclosureValues; onChange: (v: DisclosureValues) => void; errors: FieldErrors; editable: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={2} size="h3">{t('nrm.profile.disclosure.title')}</Title>
      <Text size="sm" c="dimmed">{t('nrm.profile.disclosure.intro')}</Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} maw={1100}>
        {FIELDS.map((k) => (
          <NumberInput
            key={k}
            label={t(`nrm.profile.disclosure.${k}`)}
            description={t(`nrm.profile.disclosure.${k}Help`)}
            // The help under the field: the three boxes stay in line whatever each help's length.
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            value={values[k]}
            onChange={(v) => onChange({ ...values, [k]: v })}
            error={errors[`disclosure.${k}`]}
            allowDecimal={false}
            clampBehavior="none"
            readOnly={!editable}
            placeholder={k === 'openDataRounding' ? t('nrm.profile.disclosure.exact') : undefined}
          />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
