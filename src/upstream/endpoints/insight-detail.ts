import { z } from 'zod';
import type { KeyApiEndpoint } from '../keyapi-client.js';

/**
 * Zod schemas for the insight detail's `data.info`. Parts the provider may leave out (a null cover, a category
 * chain shorter than three levels) decode to null or an empty list; a field of the wrong type
 * fails the decode, so nothing untyped reaches the domain layer.
 */

const nullableString = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

const ecomCategorySchema = z.object({
  id: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative().transform(String)]),
  value: z.string(),
  label: nullableString,
  parent_id: z
    .union([z.string(), z.number().transform(String)])
    .nullish()
    .transform((value) => value ?? null),
});

const audienceAgeSchema = z.object({
  age_level: z.number().int(),
  score: z.number().finite(),
});

/** The one field whose element shape the provider does not document: kept raw, read leniently. */
const audienceInterestsSchema = z
  .unknown()
  .optional()
  .transform((value) => (Array.isArray(value) ? (value as unknown[]) : []));

function listOf<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((value) => value ?? []);
}

export const insightInfoSchema = z.object({
  url_title: nullableString,
  cover_url: nullableString,
  ecom_type: nullableString,
  first_ecom_category: ecomCategorySchema.nullish().transform((value) => value ?? null),
  second_ecom_category: ecomCategorySchema.nullish().transform((value) => value ?? null),
  third_ecom_category: ecomCategorySchema.nullish().transform((value) => value ?? null),
  audience_ages: listOf(audienceAgeSchema),
  audience_interests: audienceInterestsSchema,
  hashtags: listOf(z.string()),
  // Post IDs exceed Number.MAX_SAFE_INTEGER: a number here has already lost digits, so refuse it.
  posts: listOf(z.string().regex(/^\d{1,20}$/)),
});

export type InsightInfo = z.output<typeof insightInfoSchema>;
export type UpstreamEcomCategory = z.output<typeof ecomCategorySchema>;

/** One insight question: the three query parameters, already normalized. */
export interface InsightDetailParams {
  id: string;
  region: string;
  timeScope: string;
}

/** `GET /v1/tiktok/insights/product/detail`: a category's insight in a region over a time scope. */
export const insightDetail: KeyApiEndpoint<InsightDetailParams, InsightInfo> = {
  path: 'v1/tiktok/insights/product/detail',
  query: ({ id, region, timeScope }) => ({ time_scope: timeScope, region, id }),
  data: z.object({ info: insightInfoSchema }).transform((data) => data.info),
};
