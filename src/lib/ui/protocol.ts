// How the UI names a protocol and shows a score: by the template's label and on its own scale.
import { getTemplate } from '../judge';

/** "J1 pairwise v1" for a stored template id and version; the id itself when no template has it. */
export function protocolName(templateId: string, version?: number): string {
  const label = getTemplate(templateId)?.label ?? templateId;
  return version === undefined ? label : `${label} v${version}`;
}

/** The inclusive score range of a single-answer template, e.g. [1, 10]; null when it has none. */
export function scoreRangeOf(templateId: string | undefined): [number, number] | null {
  return (templateId && getTemplate(templateId)?.scoreRange) || null;
}

/** A score with its scale: "4/5", "7.5/10"; the bare number when the scale is unknown. */
export function formatScore(score: number, range: [number, number] | null): string {
  const n = String(Math.round(score * 100) / 100);
  return range ? `${n}/${range[1]}` : n;
}
