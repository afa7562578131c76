import type { FolderSummary } from './generate';

const MB = 1024 * 1024;

/** "churn /data/gen-100k-next: districts 1, schools 200, ... | 118.2 MB | 3.4 s | peak RSS 312 MB" */
export function summaryLine(summary: FolderSummary): string {
  const counts = summary.files.map((file) => `${file.file.replace(/\.json$/, '')} ${file.records.toLocaleString('en-US')}`).join(', ');
  return (
    `${summary.snapshot} ${summary.folder}: ${counts} | ${(summary.bytes / MB).toFixed(1)} MB | ` +
    `${summary.seconds.toFixed(1)} s | peak RSS ${Math.round(summary.peakRssBytes / MB)} MB`
  );
}
