// Modules that scripts/build-bundle.js generates while bundling (see its esbuild plugin).

declare module 'bundle:commands' {
  /** Each file under src/commands as oclif id -> command class. */
  export const OWN_COMMANDS: Record<string, unknown>;
}

declare module 'bundle:pjson' {
  import type { Interfaces } from '@oclif/core';
  /** name, version, type and the `oclif` key of package.json at build time. */
  export const PJSON: Interfaces.PJSON;
}

declare module '@oclif/plugin-not-found/lib/utils.js' {
  const utils: { closest(target: string, possibilities: string[]): string };
  export default utils;
}

// Files hidden by the oclif plugins' "exports" map; scripts/build-bundle.js resolves them by path.
declare module '@oclif/plugin-autocomplete/lib/commands/autocomplete/index.js' {
  import type { Command } from '@oclif/core';
  const Autocomplete: typeof Command;
  export default Autocomplete;
}
declare module '@oclif/plugin-autocomplete/lib/commands/autocomplete/create.js' {
  import type { Command } from '@oclif/core';
  const AutocompleteCreate: typeof Command;
  export default AutocompleteCreate;
}
declare module '@oclif/plugin-autocomplete/lib/commands/autocomplete/script.js' {
  import type { Command } from '@oclif/core';
  const AutocompleteScript: typeof Command;
  export default AutocompleteScript;
}
