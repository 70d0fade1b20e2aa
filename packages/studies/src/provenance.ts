/** What produced a study's outputs; every output file states it. */
export interface StudyProvenance {
  /** The command line (or a description of the call) that ran the study. */
  command: string;
  seed?: number;
  backend?: string;
  /** ISO 8601 time the study started. */
  date: string;
  /** e.g. 'MLP-MNIST'. */
  modelLabel: string;
}

/** One line naming command, seed, backend, model and date (newlines folded to spaces). */
export function provenanceLine(provenance: StudyProvenance): string {
  const parts = [
    `command: ${provenance.command}`,
    `seed: ${provenance.seed ?? 'not given'}`,
    `backend: ${provenance.backend ?? 'not given'}`,
    `model: ${provenance.modelLabel}`,
    `date: ${provenance.date}`,
  ];
  return parts.join(' | ').replace(/[\r\n]+/g, ' ');
}

/** A file-name-safe form of a label: 'MLP-MNIST' → 'mlp-mnist'. */
export function slugify(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug : 'model';
}
