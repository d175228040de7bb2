import type { Prng } from './prng.ts';

/**
 * A small merchant catalogue shared by every marketplace sandbox. Only the merchant's own codes live
 * here (商家编码: out_product_id / out_sku_id, the keys the OMS maps to its items); the platform's
 * numeric product and SKU ids are assigned by each marketplace sandbox, because each platform mints
 * its own. Prices are integer fen.
 */

export interface SpecValue {
  readonly name: string;
  readonly value: string;
}

export interface CatalogueSku {
  /** 商家编码 of the SKU: what the OMS knows the item by. */
  readonly outSkuId: string;
  readonly specs: readonly SpecValue[];
  readonly priceFen: number;
}

export interface CatalogueProduct {
  readonly outProductId: string;
  readonly name: string;
  /** Whether the shop sells it on presale (预售) at all; presale orders only draw these. */
  readonly presaleEligible: boolean;
  /** Whether it can be promised for 限时达 (time-limited delivery); fresh food and daily goods. */
  readonly expressEligible: boolean;
  readonly skus: readonly CatalogueSku[];
}

function sizes(code: string, color: string, colorCode: string, priceFen: number, list: readonly string[]): CatalogueSku[] {
  return list.map((size) => ({
    outSkuId: `${code}-${colorCode}-${size}`,
    specs: [{ name: '颜色', value: color }, { name: '尺码', value: size }],
    priceFen,
  }));
}

export const CATALOGUE: readonly CatalogueProduct[] = [
  {
    outProductId: 'TS100', name: '纯棉圆领短袖T恤 男女同款', presaleEligible: false, expressEligible: false,
    skus: [...sizes('TS100', '白色', 'WH', 5900, ['M', 'L', 'XL']), ...sizes('TS100', '黑色', 'BK', 5900, ['M', 'L', 'XL'])],
  },
  {
    outProductId: 'CUP500', name: '316不锈钢保温杯 500ml', presaleEligible: false, expressEligible: true,
    skus: [
      { outSkuId: 'CUP500-BL', specs: [{ name: '颜色', value: '雾霾蓝' }], priceFen: 8900 },
      { outSkuId: 'CUP500-PK', specs: [{ name: '颜色', value: '樱花粉' }], priceFen: 8900 },
    ],
  },
  {
    outProductId: 'EAR-PRO', name: '降噪无线蓝牙耳机', presaleEligible: true, expressEligible: false,
    skus: [
      { outSkuId: 'EAR-PRO-WH', specs: [{ name: '颜色', value: '珍珠白' }], priceFen: 19900 },
      { outSkuId: 'EAR-PRO-BK', specs: [{ name: '颜色', value: '曜石黑' }], priceFen: 19900 },
    ],
  },
  {
    outProductId: 'LAUNDRY52', name: '除菌洗衣凝珠 52颗', presaleEligible: false, expressEligible: true,
    skus: [
      { outSkuId: 'LAUNDRY52-1', specs: [{ name: '规格', value: '52颗*1盒' }], priceFen: 4990 },
      { outSkuId: 'LAUNDRY52-3', specs: [{ name: '规格', value: '52颗*3盒' }], priceFen: 12900 },
    ],
  },
  {
    outProductId: 'MASK10', name: '玻尿酸补水面膜 10片装', presaleEligible: true, expressEligible: false,
    skus: [{ outSkuId: 'MASK10-STD', specs: [{ name: '规格', value: '10片' }], priceFen: 9900 }],
  },
  {
    outProductId: 'NUTS1KG', name: '每日坚果礼盒 1kg', presaleEligible: true, expressEligible: true,
    skus: [
      { outSkuId: 'NUTS1KG-A', specs: [{ name: '口味', value: '原味混合' }], priceFen: 12800 },
      { outSkuId: 'NUTS1KG-B', specs: [{ name: '口味', value: '轻盐烘焙' }], priceFen: 13800 },
    ],
  },
  {
    outProductId: 'BRICK300', name: '儿童益智拼装积木 300块', presaleEligible: true, expressEligible: false,
    skus: [{ outSkuId: 'BRICK300-STD', specs: [{ name: '款式', value: '城市系列' }], priceFen: 15900 }],
  },
  {
    outProductId: 'SOCK5', name: '运动中筒袜 5双装', presaleEligible: false, expressEligible: true,
    skus: [
      { outSkuId: 'SOCK5-M', specs: [{ name: '尺码', value: '均码(男)' }], priceFen: 2990 },
      { outSkuId: 'SOCK5-F', specs: [{ name: '尺码', value: '均码(女)' }], priceFen: 2990 },
    ],
  },
  {
    outProductId: 'BRUSH-S', name: '声波电动牙刷', presaleEligible: true, expressEligible: false,
    skus: [{ outSkuId: 'BRUSH-S-WH', specs: [{ name: '颜色', value: '白色' }], priceFen: 29900 }],
  },
  {
    outProductId: 'RICE5', name: '东北五常大米 5kg', presaleEligible: false, expressEligible: true,
    skus: [{ outSkuId: 'RICE5-STD', specs: [{ name: '规格', value: '5kg' }], priceFen: 4590 }],
  },
];

export interface CatalogueLine {
  readonly product: CatalogueProduct;
  readonly sku: CatalogueSku;
  readonly quantity: number;
}

/**
 * One to three lines on distinct SKUs, quantity mostly 1, as in a live-stream shop's orders. The
 * filter lets a presale or 限时达 order draw only SKUs that can be sold that way.
 */
export function generateLines(rng: Prng, filter: (product: CatalogueProduct) => boolean = () => true): CatalogueLine[] {
  const products = CATALOGUE.filter(filter);
  const skus = products.flatMap((product) => product.skus.map((sku) => ({ product, sku })));
  const count = Math.min(skus.length, rng.weighted([1, 2, 3], (n) => (n === 1 ? 70 : n === 2 ? 22 : 8)));
  return rng.shuffle([...skus]).slice(0, count).map(({ product, sku }) => ({
    product,
    sku,
    quantity: rng.weighted([1, 2, 3], (n) => (n === 1 ? 80 : n === 2 ? 15 : 5)),
  }));
}

export function findSku(outSkuId: string): { product: CatalogueProduct; sku: CatalogueSku } | undefined {
  for (const product of CATALOGUE) {
    const sku = product.skus.find((s) => s.outSkuId === outSkuId);
    if (sku) return { product, sku };
  }
  return undefined;
}
