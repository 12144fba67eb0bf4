import type { TestProject } from 'vitest/node';
import { chromiumPath } from './chromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

/** Browser project only: make sure Chromium is there before any journey starts (installs it once if needed). */
export default function setup(project: TestProject): void {
  project.provide('chromiumPath', chromiumPath());
}
