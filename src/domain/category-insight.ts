import type { InsightInfo } from '../upstream/endpoints/insight-detail.js';
import { type AudienceAge, type AudienceInterest, toAudienceAges, toAudienceInterests } from './audience.js';
import { categoryChain, type EcomCategory } from './ecom-category.js';
import { type InsightKey, insightKeyId } from './insight-key.js';

/** The gateway's model of one upstream answer. */
export interface CategoryInsight {
  readonly id: string;
  readonly key: InsightKey;
  readonly title: string | null;
  readonly coverUrl: string | null;
  readonly ecomType: string | null;
  /** Level 1 first; the last element is the deepest category of the answer. */
  readonly categoryPath: readonly EcomCategory[];
  readonly audienceAges: readonly AudienceAge[];
  readonly audienceInterests: readonly AudienceInterest[];
  readonly hashtags: readonly string[];
  readonly postIds: readonly string[];
  readonly fetchedAt: Date;
}

export function toCategoryInsight(key: InsightKey, info: InsightInfo, fetchedAt: Date): CategoryInsight {
  return {
    id: insightKeyId(key),
    key,
    title: info.url_title,
    coverUrl: info.cover_url,
    ecomType: info.ecom_type,
    categoryPath: categoryChain(info),
    audienceAges: toAudienceAges(info.audience_ages),
    audienceInterests: toAudienceInterests(info.audience_interests),
    hashtags: info.hashtags,
    postIds: info.posts,
    fetchedAt,
  };
}
