import { lazy, type ComponentType } from 'react';
import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { loadAllTexts } from '../i18n/index.ts';

/**
 * A screen loaded as its own chunk the first time it is shown (`React.lazy` over a named export), so
 * that a page carries only its own code: the public report page none of the staff app's.
 */
export function lazyPage<M, K extends keyof M>(load: () => Promise<M>, name: K, { allTexts = true } = {}) {
  return lazy(async () => {
    // Every screen but the public report pages uses texts beyond the core; they arrive with its code.
    const [m] = await Promise.all([load(), allTexts ? loadAllTexts() : null]);
    return { default: m[name] as ComponentType };
  });
}

/** What shows while a screen's chunk arrives (the `<Suspense>` fallback). */
export function PageLoading() {
  const { t } = useTranslation();
  return (
    <Center h="50vh">
      <Loader role="status" aria-label={t('common.loading')} />
    </Center>
  );
}
