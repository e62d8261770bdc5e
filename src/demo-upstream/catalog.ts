/** A category of the stand-in's tree. IDs of the Perfume chain are the provider's own. */
export interface CatalogCategory {
  id: string;
  name: string;
  level: 1 | 2 | 3;
  parentId: string | null;
  /** Hashtags that trend with this category in the synthetic data. */
  hashtags?: string[];
}

type Tree = Array<
  [
    id: string,
    name: string,
    children: Array<[id: string, name: string, leaves: Array<[string, string, string[]]>]>,
  ]
>;

const TREE: Tree = [
  [
    '601450',
    'Beauty & Personal Care',
    [
      [
        '848648',
        'Makeup & Perfume',
        [
          ['601583', 'Perfume', ['perfume', 'fragrance', 'perfumetiktok', 'scentoftheday', 'عطور']],
          ['601584', 'Lipstick & Lip Gloss', ['lipstick', 'lipgloss', 'makeuptutorial', 'liptint']],
          ['601590', 'Foundation', ['foundation', 'makeup', 'flawlessbase', 'beautytok']],
        ],
      ],
      [
        '601451',
        'Skincare',
        [
          ['601459', 'Facial Cleansers', ['skincare', 'cleanser', 'glassskin', 'สกินแคร์']],
          ['601465', 'Serums & Essences', ['serum', 'skincareroutine', 'kbeauty', 'glowup']],
          ['601470', 'Sunscreen', ['sunscreen', 'spf50', 'skincaretips', 'summerskin']],
        ],
      ],
    ],
  ],
  [
    '601152',
    'Womenswear & Underwear',
    [
      [
        '601160',
        "Women's Tops",
        [
          ['601170', 'T-shirts', ['ootd', 'tshirt', 'streetwear', 'outfitideas']],
          ['601171', 'Blouses & Shirts', ['blouse', 'officeoutfit', 'fashiontiktok', 'แฟชั่น']],
        ],
      ],
      [
        '601190',
        "Women's Dresses",
        [
          ['601195', 'Casual Dresses', ['sundress', 'dressup', 'summeroutfit', 'fashion']],
          ['601196', 'Party Dresses', ['partydress', 'grwm', 'eveningwear', 'فساتين']],
        ],
      ],
    ],
  ],
  [
    '601739',
    'Phones & Electronics',
    [
      [
        '601740',
        'Phone Accessories',
        [
          ['601755', 'Phone Cases', ['phonecase', 'iphonecase', 'aesthetic', 'techtok']],
          ['601757', 'Chargers & Cables', ['charger', 'fastcharging', 'gadgets', 'techtok']],
        ],
      ],
      [
        '601800',
        'Audio & Video',
        [
          ['601810', 'Earphones', ['earbuds', 'wirelessearbuds', 'unboxing', 'techreview']],
          ['601812', 'Bluetooth Speakers', ['speaker', 'bassboost', 'partyspeaker', 'gadgets']],
        ],
      ],
    ],
  ],
  [
    '600001',
    'Home Supplies',
    [
      [
        '600010',
        'Home Organizers',
        [
          ['600015', 'Storage Boxes', ['organization', 'cleantok', 'homehacks', 'satisfying']],
          ['600016', 'Drawer Organizers', ['declutter', 'organizewithme', 'homeorganization', 'asmr']],
        ],
      ],
    ],
  ],
  [
    '700437',
    'Food & Beverages',
    [
      [
        '700500',
        'Snacks',
        [
          ['700510', 'Chips & Crisps', ['snacks', 'mukbang', 'tastetest', 'ขนม']],
          ['700512', 'Candy & Chocolate', ['candy', 'chocolate', 'sweettooth', 'asmrsounds']],
        ],
      ],
    ],
  ],
  [
    '603014',
    'Sports & Outdoor',
    [
      [
        '603020',
        'Fitness Equipment',
        [
          ['603030', 'Yoga Mats', ['yoga', 'pilates', 'homeworkout', 'fitnessmotivation']],
          ['603031', 'Dumbbells', ['gymtok', 'homegym', 'strengthtraining', 'workout']],
        ],
      ],
    ],
  ],
];

function flatten(tree: Tree): CatalogCategory[] {
  return tree.flatMap(([l1Id, l1Name, l2s]) => [
    { id: l1Id, name: l1Name, level: 1 as const, parentId: null },
    ...l2s.flatMap(([l2Id, l2Name, l3s]) => [
      { id: l2Id, name: l2Name, level: 2 as const, parentId: l1Id },
      ...l3s.map(([id, name, hashtags]) => ({ id, name, level: 3 as const, parentId: l2Id, hashtags })),
    ]),
  ]);
}

export const CATALOG: ReadonlyMap<string, CatalogCategory> = new Map(
  flatten(TREE).map((category) => [category.id, category]),
);

export const THIRD_LEVEL_IDS: readonly string[] = [...CATALOG.values()]
  .filter((category) => category.level === 3)
  .map((category) => category.id);
