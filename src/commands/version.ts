import { BaseCommand } from '../cli/base-command.js';

/** What `version` reports. */
export interface VersionReport {
  version: string;
  node: string;
  platform: string;
}

export default class Version extends BaseCommand {
  static override summary = 'Print the plugin version.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json'];

  async run(): Promise<VersionReport> {
    await this.parse(Version);
    const report: VersionReport = {
      version: this.config.version,
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    };
    this.log(`helm-autorollback ${report.version} (node ${report.node}, ${report.platform})`);
    return report;
  }
}
