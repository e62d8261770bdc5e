import { describe, expect, it } from 'vitest';
import { insightDetail, insightInfoSchema } from '../src/upstream/endpoints/insight-detail.js';
import { envelopeSchema } from '../src/upstream/envelope.js';

/** The provider's own example answer, trimmed to three posts. */
const providerExample = {
  code: 0,
  message: 'success',
  data: {
    info: {
      audience_ages: [
        { age_level: 25, score: 38 },
        { age_level: 18, score: 29 },
        { age_level: 35, score: 19 },
        { age_level: 45, score: 8 },
        { age_level: 55, score: 6 },
      ],
      audience_interests: [],
      cover_url: null,
      ecom_type: 'l3',
      first_ecom_category: { id: '601450', label: 'category_601450', value: 'Beauty & Personal Care' },
      hashtags: ['vlog', 'perfume', 'สตอรี่ความรู้สึก', 'manga', 'الامارات'],
      posts: ['7489287341782207752', '7322538146644757803', '7437358276766878984'],
      second_ecom_category: {
        id: '848648',
        label: 'category_848648',
        parent_id: '601450',
        value: 'Makeup & Perfume',
      },
      third_ecom_category: { id: '601583', label: 'category_601583', parent_id: '848648', value: 'Perfume' },
      url_title: 'Perfume',
    },
  },
  requestId: 'ad16be21-c1b0-4fed-8609-e350c4472221',
};

describe('envelope decoding', () => {
  it("decodes the provider's example answer", () => {
    const envelope = envelopeSchema.parse(providerExample);
    const info = insightDetail.data.parse(envelope.data);

    expect(envelope.code).toBe(0);
    expect(info.url_title).toBe('Perfume');
    expect(info.cover_url).toBeNull();
    expect(info.third_ecom_category).toEqual({
      id: '601583',
      label: 'category_601583',
      parent_id: '848648',
      value: 'Perfume',
    });
    expect(info.first_ecom_category?.parent_id).toBeNull();
    expect(info.hashtags).toContain('الامارات');
    expect(info.posts[0]).toBe('7489287341782207752');
  });

  it('decodes an error body', () => {
    expect(
      envelopeSchema.parse({ code: 402, data: null, message: 'apiKey quota is not enough' }),
    ).toMatchObject({
      code: 402,
      message: 'apiKey quota is not enough',
    });
  });

  it('turns missing optional parts into nulls and empty lists', () => {
    const info = insightInfoSchema.parse({});

    expect(info).toEqual({
      url_title: null,
      cover_url: null,
      ecom_type: null,
      first_ecom_category: null,
      second_ecom_category: null,
      third_ecom_category: null,
      audience_ages: [],
      audience_interests: [],
      hashtags: [],
      posts: [],
    });
  });

  it('keeps audience interests of any shape for the domain layer to read', () => {
    const info = insightInfoSchema.parse({ audience_interests: [{ x: 1 }, 'Beauty'] });
    const notAList = insightInfoSchema.parse({ audience_interests: { weird: true } });

    expect(info.audience_interests).toEqual([{ x: 1 }, 'Beauty']);
    expect(notAList.audience_interests).toEqual([]);
  });

  it.each([
    ['posts as numbers, which have lost digits', { posts: [7489287341782207000] }],
    ['a post ID that is not digits', { posts: ['abc'] }],
    ['hashtags that are not strings', { hashtags: [1, 2] }],
    ['an age level that is not a number', { audience_ages: [{ age_level: '18', score: 3 }] }],
    ['a category without a name', { third_ecom_category: { id: '601583' } }],
    ['a title that is a number', { url_title: 5 }],
  ])('refuses %s', (_what, info) => {
    expect(insightInfoSchema.safeParse(info).success).toBe(false);
  });
});
