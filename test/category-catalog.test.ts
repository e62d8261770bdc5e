import { describe, expect, it } from 'vitest';
import type { EcomCategory } from '../src/domain/ecom-category.js';
import { createCategoryCatalog } from '../src/loaders/category-catalog.js';

const category = (id: string, parent: EcomCategory | null = null): EcomCategory => ({
  id,
  name: `Category ${id}`,
  label: null,
  level: parent ? parent.level + 1 : 1,
  parent,
});

describe('category catalog', () => {
  it('remembers every category of a chain by ID', () => {
    const catalog = createCategoryCatalog();
    const root = category('1');
    const leaf = category('3', category('2', root));

    catalog.remember([root, leaf.parent as EcomCategory, leaf]);

    expect(catalog.get('3')).toBe(leaf);
    expect(catalog.get('2')?.parent).toBe(root);
    expect(catalog.get('4')).toBeUndefined();
    expect(catalog.size).toBe(3);
  });

  it('forgets the least recently seen categories beyond its bound', () => {
    const catalog = createCategoryCatalog({ maxEntries: 3 });
    catalog.remember([category('a'), category('b'), category('c')]);
    catalog.remember([category('a')]);
    catalog.remember([category('d'), category('e')]);

    expect(['a', 'b', 'c', 'd', 'e'].filter((id) => catalog.get(id))).toEqual(['a', 'd', 'e']);
    expect(catalog.size).toBe(3);
  });

  it('keeps the newest sighting of a category', () => {
    const catalog = createCategoryCatalog();
    catalog.remember([{ ...category('1'), name: 'Old name' }]);
    catalog.remember([{ ...category('1'), name: 'New name' }]);

    expect(catalog.get('1')?.name).toBe('New name');
  });
});
