// Types of scripts/build-bundle.js for the TypeScript tests.

/** Lists the command source files under `commandsDir` with their oclif ids. */
export function findCommandFiles(commandsDir: string): Array<{ id: string; file: string }>;

/** Builds the bundle (default dist/bundle) and returns the output folder and esbuild's metafile. */
export function buildBundle(options?: { outdir?: string }): Promise<{
  outdir: string;
  commands: Array<{ id: string; file: string }>;
  metafile: import('esbuild').Metafile;
}>;
