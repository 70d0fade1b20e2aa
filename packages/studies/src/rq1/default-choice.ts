import type { Rq1Check } from './options-report';
import { RQ1_VARIANTS, type Rq1Variant } from './variants';

/**
 * How the option study chooses the defaults (issue 12, item 3): each option against the
 * configuration it would replace, the same in every other factor, on the same checks, by a rule
 * stated in the report; an exact sign test shows how much of a lead is noise.
 */

/** A design axis of semantic slicing: one factor a variant changes. */
export type DesignAxis = 'fill' | 'combine' | 'centring' | 'conv features';

/** Axes in report order, each with the factor it changes and how a value is written. */
const AXES: readonly {
  axis: DesignAxis;
  factorOf: (variant: Rq1Variant) => unknown;
  option: (value: unknown) => string;
}[] = [
  { axis: 'fill', factorOf: (v) => v.fill, option: (value) => `fill: '${String(value)}'` },
  {
    axis: 'combine',
    factorOf: (v) => v.semanticOptions.combine,
    option: (value) => `combine: '${String(value)}'`,
  },
  {
    axis: 'centring',
    factorOf: (v) => v.semanticOptions.centered,
    option: (value) => `centered: ${String(value)}`,
  },
  {
    axis: 'conv features',
    factorOf: (v) => v.semanticOptions.features,
    option: (value) => `features: '${String(value)}'`,
  },
];

/** One comparison: `candidate` changes the factor of `axis` of `baseline`, nothing else. */
export interface DefaultChoicePair {
  axis: DesignAxis;
  candidate: string;
  baseline: string;
  /** The candidate's value of the factor, as an option (`combine: 'layer-budget'`). */
  option: string;
  /** The baseline's (the current default's) value of the factor, as an option. */
  currentOption: string;
}

/**
 * The comparisons the variants present allow: every catalogued variant that changes exactly one
 * factor of a current default, where a current default is a variant with the slicer's defaults
 * (`default`, and `mean-fill` under mean replacement) and the factor keeps `default`'s value in
 * it (so `default` is never a candidate against `mean-fill`). In axis order, then with `default`
 * as the baseline first, then in catalogue order.
 */
export function defaultChoicePairs(variantNames: readonly string[]): DefaultChoicePair[] {
  const present = RQ1_VARIANTS.filter((variant) => variantNames.includes(variant.name));
  const reference = RQ1_VARIANTS.find((variant) => variant.name === 'default') as Rq1Variant;
  const differing = (a: Rq1Variant, b: Rq1Variant) =>
    AXES.filter((axis) => axis.factorOf(a) !== axis.factorOf(b));
  // The current defaults: the slicer's defaults under either fill.
  const baselines = present.filter((variant) =>
    differing(variant, reference).every((axis) => axis.axis === 'fill'),
  );
  const pairs: DefaultChoicePair[] = [];
  for (const axis of AXES) {
    for (const baseline of baselines) {
      if (axis.factorOf(baseline) !== axis.factorOf(reference)) continue;
      for (const candidate of present) {
        const changed = differing(candidate, baseline);
        if (changed.length !== 1 || changed[0].axis !== axis.axis) continue;
        pairs.push({
          axis: axis.axis,
          candidate: candidate.name,
          baseline: baseline.name,
          option: axis.option(axis.factorOf(candidate)),
          currentOption: axis.option(axis.factorOf(baseline)),
        });
      }
    }
  }
  return pairs;
}

/**
 * Exact two-sided sign test: the probability, under a fair coin (binomial, p = ½), of a split of
 * the `a + b` discordant pairs at least as uneven as `a` vs `b`. 1 when there are none.
 */
export function signTestPValue(a: number, b: number): number {
  for (const [name, value] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`signTestPValue: ${name} must be a count ≥ 0, got ${value}`);
    }
  }
  const n = a + b;
  const k = Math.min(a, b);
  if (n === 0) return 1;
  let tail = 0;
  if (n <= 1000) {
    // C(n, i) / 2^n term by term: exact while C(n, i) < 2^53, no underflow of 2^-n.
    let term = 0.5 ** n;
    for (let i = 0; i <= k; i++) {
      if (i > 0) term = (term * (n - i + 1)) / i;
      tail += term;
    }
  } else {
    let logTerm = n * Math.log(0.5);
    for (let i = 0; i <= k; i++) {
      if (i > 0) logTerm += Math.log(n - i + 1) - Math.log(i);
      tail += Math.exp(logTerm);
    }
  }
  return Math.min(1, 2 * tail);
}

/** One setting of a comparison: checks of both variants there, and how many each passes. */
export interface PairSettingCount {
  setting: string;
  checks: number;
  candidate: number;
  baseline: number;
}

/** A comparison counted over its paired checks, with the rule's decision. */
export interface DefaultChoiceOutcome extends DefaultChoicePair {
  perSetting: PairSettingCount[];
  checks: number;
  candidateTotal: number;
  baselineTotal: number;
  /** Paired checks only the candidate passes, and only the current default passes. */
  onlyCandidate: number;
  onlyBaseline: number;
  /** Exact two-sided sign test on the discordant checks. */
  pValue: number;
  /** The rule: more checks in total and no fewer on any setting it was run on. */
  adopt: boolean;
  /** Why, in words: `more in total (19 vs 13 of 36) and no fewer on any setting`. */
  reason: string;
  /** Adopted as a per-model option only, not as the library default (see `scopeNote`). */
  perModelOnly: boolean;
}

/** Whether a check passes: at or above the better baseline and above random. */
function passes(check: Rq1Check): boolean {
  return check.beatsBaselines === true && check.beatsRandom;
}

function checkKey(check: Rq1Check): string {
  return `${check.setting}/${check.seed}/${check.theta}`;
}

/**
 * A comparison over the checks both variants have (same setting, seed and Θ, under `metric`);
 * undefined when they share none. `labels` names the settings in the reason.
 */
export function compareWithDefault(
  checks: readonly Rq1Check[],
  pair: DefaultChoicePair,
  metric: string,
  labels: ReadonlyMap<string, string> = new Map(),
): DefaultChoiceOutcome | undefined {
  const of = (variant: string) =>
    new Map(
      checks
        .filter((check) => check.variant === variant && check.metric === metric)
        .map((check) => [checkKey(check), check]),
    );
  const candidates = of(pair.candidate);
  const baselines = of(pair.baseline);
  const paired = [...candidates.entries()]
    .filter(([key]) => baselines.has(key))
    .map(([key, candidate]) => ({ candidate, baseline: baselines.get(key) as Rq1Check }));
  if (paired.length === 0) return undefined;
  const perSetting: PairSettingCount[] = [];
  for (const { candidate, baseline } of paired) {
    let count = perSetting.find((entry) => entry.setting === candidate.setting);
    if (!count) {
      count = { setting: candidate.setting, checks: 0, candidate: 0, baseline: 0 };
      perSetting.push(count);
    }
    count.checks++;
    if (passes(candidate)) count.candidate++;
    if (passes(baseline)) count.baseline++;
  }
  const onlyCandidate = paired.filter((p) => passes(p.candidate) && !passes(p.baseline)).length;
  const onlyBaseline = paired.filter((p) => !passes(p.candidate) && passes(p.baseline)).length;
  const candidateTotal = perSetting.reduce((sum, entry) => sum + entry.candidate, 0);
  const baselineTotal = perSetting.reduce((sum, entry) => sum + entry.baseline, 0);
  const label = (setting: string) => labels.get(setting) ?? setting;
  const losses = perSetting.filter((entry) => entry.candidate < entry.baseline);
  const moreInTotal = candidateTotal > baselineTotal;
  const adopt = moreInTotal && losses.length === 0;
  const total = `${candidateTotal} vs ${baselineTotal} of ${paired.length}`;
  const lost = `loses ${losses.map((entry) => `${label(entry.setting)} ${entry.candidate} vs ${entry.baseline}`).join(' and ')}`;
  let reason: string;
  if (adopt) reason = `more in total (${total}) and no fewer on any setting`;
  else if (moreInTotal) reason = `more in total (${total}) but ${lost}`;
  else {
    reason = `${candidateTotal === baselineTotal ? 'ties' : 'fewer'} in total (${total})`;
    if (losses.length > 0) reason += `; ${lost}`;
  }
  return {
    ...pair,
    perSetting,
    checks: paired.length,
    candidateTotal,
    baselineTotal,
    onlyCandidate,
    onlyBaseline,
    pValue: signTestPValue(onlyCandidate, onlyBaseline),
    adopt,
    reason,
    perModelOnly: adopt && pair.option === "features: 'flattened'",
  };
}

/** Every comparison the checks allow (see `defaultChoicePairs`), counted and decided. */
export function defaultChoices(
  checks: readonly Rq1Check[],
  metric: string,
  labels: ReadonlyMap<string, string> = new Map(),
): DefaultChoiceOutcome[] {
  const variants = [
    ...new Set(checks.filter((check) => check.metric === metric).map((check) => check.variant)),
  ];
  return defaultChoicePairs(variants)
    .map((pair) => compareWithDefault(checks, pair, metric, labels))
    .filter((outcome): outcome is DefaultChoiceOutcome => outcome !== undefined);
}

/** Bytes of the float64 feature cross-product of one conv layer's flattened maps: 8·(C·H·W)². */
export function flattenedGramBytes(channels: number, height: number, width: number): number {
  const features = channels * height * width;
  return 8 * features * features;
}

/** Conv layers whose flattened cost the report states (shapes of the models' zoo). */
const FLATTENED_COST_EXAMPLES = [
  { layer: 'LeNet-5 conv1', channels: 6, height: 28, width: 28 },
  { layer: 'a VGG-16 first conv on CIFAR-10', channels: 64, height: 32, width: 32 },
] as const;

function bytesText(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

/** Why flattened maps are a per-model option, with the cost formula and two layers' costs. */
export function flattenedScopeNote(): string {
  const costs = FLATTENED_COST_EXAMPLES.map(
    (example) =>
      `${example.layer} ${example.channels}·${example.height}·${example.width} = ` +
      `${example.channels * example.height * example.width} features → ` +
      bytesText(flattenedGramBytes(example.channels, example.height, example.width)),
  );
  return (
    'adopted as a per-model option, not the library default: a conv layer of C channels of ' +
    'H×W maps has C·H·W features when its maps are flattened, and their float64 feature ' +
    `cross-product (Gram) takes 8·(C·H·W)² bytes per layer (${costs.join('; ')}), ` +
    'so it cannot be the default for every CNN'
  );
}

function pText(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

/**
 * The report's "Choosing the defaults" section: the rule, one row per comparison (per-setting
 * counts, totals, discordant checks, sign test, decision) and the outcome per axis.
 */
export function defaultChoiceSection(
  outcomes: readonly DefaultChoiceOutcome[],
  settings: readonly { id: string; label: string }[],
  metric: string,
): string[] {
  const lines = [
    '## Choosing the defaults',
    '',
    'Each option against the configuration it would replace (the same in every other factor), ' +
      `on the same checks: the same setting, seed and Θ, metric ${metric}. A check counts when ` +
      'the slice is both ≥ the better baseline and above random (the bold counts above). Each cell: ' +
      'option vs current default, of the paired checks.',
    '',
    '**The rule: an option replaces the current default when it passes more checks in total and ' +
      'does not pass fewer on any setting it was run on.** The sign test (exact, two-sided, ' +
      'binomial with p = ½ on the checks only one of the two passes) is shown, not part of the ' +
      'rule, so the reader sees how much of a lead is noise. A value of an axis becomes the ' +
      'default only when every comparison of it says adopt.',
    '',
  ];
  if (outcomes.length === 0) {
    lines.push('No option was run beside a current default: nothing to compare.');
    return lines;
  }
  lines.push(
    `| axis | option vs current | ${settings.map((setting) => setting.label).join(' | ')} | total | only option / only current | sign test p | decision |`,
    `| --- | --- | ${settings.map(() => '---').join(' | ')} | --- | --- | --- | --- |`,
  );
  for (const outcome of outcomes) {
    const cells = settings.map((setting) => {
      const count = outcome.perSetting.find((entry) => entry.setting === setting.id);
      return count ? `${count.candidate} vs ${count.baseline} of ${count.checks}` : '—';
    });
    const decision = outcome.perModelOnly
      ? '**adopt** (per-model option)'
      : outcome.adopt
        ? '**adopt**'
        : 'keep';
    lines.push(
      `| ${outcome.axis} | \`${outcome.candidate}\` vs \`${outcome.baseline}\` | ${cells.join(' | ')} | ` +
        `${outcome.candidateTotal} vs ${outcome.baselineTotal} of ${outcome.checks} | ` +
        `${outcome.onlyCandidate} / ${outcome.onlyBaseline} | ${pText(outcome.pValue)} | ${decision}: ${outcome.reason} |`,
    );
  }
  lines.push('', 'Outcome per axis:', '');
  for (const axis of AXES.map((entry) => entry.axis)) {
    const ofAxis = outcomes.filter((outcome) => outcome.axis === axis);
    if (ofAxis.length === 0) continue;
    const byOption = new Map<string, DefaultChoiceOutcome[]>();
    for (const outcome of ofAxis)
      byOption.set(outcome.option, [...(byOption.get(outcome.option) ?? []), outcome]);
    const parts: string[] = [];
    const current = [...new Set(ofAxis.map((outcome) => `\`${outcome.currentOption}\``))];
    let changed = false;
    for (const [option, group] of byOption) {
      const names = group.map((outcome) => `\`${outcome.candidate}\``).join(', ');
      if (group.every((outcome) => outcome.adopt)) {
        if (group.some((outcome) => outcome.perModelOnly)) {
          parts.push(`\`${option}\` (${names}) is ${flattenedScopeNote()}`);
        } else {
          changed = true;
          parts.push(`\`${option}\` (${names}) **replaces** ${current.join(' / ')}`);
        }
      } else {
        const against = group
          .filter((outcome) => !outcome.adopt)
          .map(
            (outcome) => `\`${outcome.candidate}\` vs \`${outcome.baseline}\`: ${outcome.reason}`,
          )
          .join('; ');
        parts.push(`\`${option}\` stays an option (${against})`);
      }
    }
    const head = changed ? '' : `the default stays ${current.join(' / ')}; `;
    lines.push(`- **${axis}**: ${head}${parts.join('; ')}.`);
  }
  return lines;
}

/** The sentence after "Most wins": what the rule decided about the winner. */
export function winnerOutcome(winner: string, outcomes: readonly DefaultChoiceOutcome[]): string {
  const own = outcomes.filter((outcome) => outcome.candidate === winner);
  const rule = 'the rule in *Choosing the defaults* below does';
  if (own.length === 0) {
    const role = outcomes.some((outcome) => outcome.baseline === winner)
      ? 'a current default the options are compared with'
      : 'not compared there';
    return `Most wins alone do not set a default; ${rule} (\`${winner}\` is ${role}).`;
  }
  const decided = own.map(
    (outcome) =>
      `\`${outcome.candidate}\` vs \`${outcome.baseline}\` → ` +
      (outcome.adopt
        ? `**adopt** \`${outcome.candidate}\`${outcome.perModelOnly ? ' as a per-model option' : ''}`
        : `**keep** \`${outcome.baseline}\``) +
      `: ${outcome.reason}`,
  );
  return `Most wins alone do not set a default; ${rule}: ${decided.join('; ')}.`;
}
