// The version --version prints: package.json's, put into the bundle when it is built
// (scripts/bundle.mjs) and into the tests by vitest.config.ts, so the CLI reads no file for it.
declare const __DOM0_ACPI_VERSION__: string | undefined;

export const VERSION: string = typeof __DOM0_ACPI_VERSION__ === 'string' ? __DOM0_ACPI_VERSION__ : '0.0.0-unbundled';
