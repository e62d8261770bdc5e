import type { InsightInfo, UpstreamEcomCategory } from '../upstream/endpoints/insight-detail.js';

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
