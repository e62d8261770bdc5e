import type { InsightInfo, UpstreamEcomCategory } from '../upstream/endpoints/insight-detail.js';
import { InvalidArgumentError } from './invalid-argument-error.js';

/** A node of TikTok Shop's category tree, linked toward its level-1 root. */
export interface EcomCategory {
  readonly id: string;
  readonly name: string;
  readonly label: string | null;
  readonly level: number;
  readonly parent: EcomCategory | null;
}

/**
 * The l1 → l2 → l3 chain of an answer, level 1 first. A missing level is skipped, and each
 * category's parent is the nearest level above it that the answer did include.
 */
export function categoryChain(info: InsightInfo): EcomCategory[] {
  const levels: Array<[number, UpstreamEcomCategory | null]> = [
    [1, info.first_ecom_category],
    [2, info.second_ecom_category],
    [3, info.third_ecom_category],
  ];
  const chain: EcomCategory[] = [];
  for (const [level, category] of levels) {
    if (!category) continue;
    chain.push({
      id: category.id,
      name: category.value,
      label: category.label,
      level,
      parent: chain.at(-1) ?? null,
    });
  }
  return chain;
}

/** Level 1 first, ending with `category` itself. */
export function categoryPath(category: EcomCategory): EcomCategory[] {
  const path: EcomCategory[] = [];
  for (let node: EcomCategory | null = category; node; node = node.parent) path.unshift(node);
  return path;
}

/** A category known by its ID alone, as a federation reference names it, until its details are looked up. */
export type EcomCategoryRef = EcomCategory | { readonly id: string };

export function isDescribed(category: EcomCategoryRef): category is EcomCategory {
  return 'name' in category;
}

/** An ID the catalog knows to be above level 3: KeyAPI answers insights of third-level categories only. */
export function assertInsightCategory(known: EcomCategory | undefined): void {
  if (known && known.level < 3) {
    throw new InvalidArgumentError(
      'id',
      `${known.id} (${known.name}) is a level-${known.level} category; insights exist for third-level categories only`,
    );
  }
}
