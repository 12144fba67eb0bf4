import { useMemo, type ReactNode } from 'react';
import { createTheme, darken, DEFAULT_THEME, luminance, MantineProvider, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** WCAG 2.1 contrast ratio of two colours (1.4.3 asks 4.5:1 for normal text). */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Mantine's palette with shades 6 to 9 darkened until they read at 4.5:1 or better on the lightest
 * backgrounds the app uses (gray.1 and each colour's own light shade), so that filled buttons and
 * badges, coloured text, error messages and "light" badges pass WCAG AA (Mantine's own green, teal,
 * orange, yellow and red do not).
 */
function readable(shades: MantineColorsTuple): MantineColorsTuple {
  const backgrounds = ['#ffffff', '#f1f3f5', shades[1]];
  const out = [...shades];
  for (let i = 6; i <= 9; i++) {
    let c = out[i]!;
    for (let step = 0; step < 20 && backgrounds.some((bg) => contrast(c, bg) < 4.6); step++) c = darken(c, 0.06);
    out[i] = c;
  }
  return out as unknown as MantineColorsTuple;
}

const COLORS = Object.fromEntries(Object.entries(DEFAULT_THEME.colors).map(([name, shades]) => [name, readable(shades)]));

/** "Dimmed" text in gray.7 rather than Mantine's gray.6, which is below 4.5:1 on white. */
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-error': 'var(--mantine-color-red-8)' },
  dark: {},
});

/** Mantine's theme, with the labels of its built-in buttons in the current language. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const theme = useMemo(() => {
    // Every clear button of a field is an icon button: it needs a name (WCAG 4.1.2). Components are
    // named, not imported, so that the theme does not pull every field into every page's code.
    const clearable = { defaultProps: { clearButtonProps: { 'aria-label': t('a11y.clear') } } };
    return createTheme({
      primaryColor: 'pathway',
      colors: {
        ...COLORS,
        // A sober institutional blue.
        pathway: ['#e8f1fb', '#d0e0f3', '#a2bfe6', '#709cd9', '#487fce', '#2f6cc8', '#2062c6', '#1252af', '#05489d', '#003d8b'],
      },
      primaryShade: 7,
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif',
      defaultRadius: 'sm',
      components: {
        Modal: { defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } },
        Notification: { defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } },
        // A link inside a sentence must show it is one without relying on its colour (WCAG 1.4.1).
        Anchor: { defaultProps: { underline: 'always' } },
        PasswordInput: { defaultProps: { visibilityToggleButtonProps: { 'aria-label': t('common.showPassword') } } },
        Select: clearable,
        MultiSelect: clearable,
        Autocomplete: clearable,
        TagsInput: clearable,
        FileInput: clearable,
      },
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t changes with the language
  }, [i18n.language]);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      {children}
    </MantineProvider>
  );
}
