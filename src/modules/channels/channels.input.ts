/**
 * The channels the platform knows, defined once: the marketplaces it has a connector for (a shop
 * can be registered on each), and `custom` for orders an integrator sends by API.
 */
export const marketplaces = ['taobao', 'tmall', 'jd', 'pdd', 'douyin'] as const;
export type Marketplace = (typeof marketplaces)[number];

export const channels = [...marketplaces, 'custom'] as const;
export type Channel = (typeof channels)[number];

export function isMarketplace(value: string): value is Marketplace {
  return (marketplaces as readonly string[]).includes(value);
}
