import type { OrderInput } from '../modules/orders/orders.input.ts';
import { isoInZone } from '../platform/time/instants.ts';
import { CHINA_ZONE } from '../platform/time/wall-clock.ts';

/** Sample orders for the demo tenant: plausible receivers, baskets and tags, from a seeded generator. */

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林'];
const givenNames = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '杰', '娟', '涛', '明', '超', '秀英', '霞', '婷', '浩然'];

const regions: readonly (readonly [string, string, string])[] = [
  ['广东省', '广州市', '天河区'],
  ['广东省', '深圳市', '南山区'],
  ['浙江省', '杭州市', '西湖区'],
  ['江苏省', '南京市', '鼓楼区'],
  ['山东省', '济南市', '历下区'],
  ['河南省', '郑州市', '金水区'],
  ['四川省', '成都市', '武侯区'],
  ['湖北省', '武汉市', '洪山区'],
  ['北京市', '北京市', '朝阳区'],
  ['上海市', '上海市', '浦东新区'],
  ['河北省', '石家庄市', '长安区'],
  ['湖南省', '长沙市', '岳麓区'],
  ['福建省', '厦门市', '思明区'],
  ['陕西省', '西安市', '雁塔区'],
  ['广西壮族自治区', '南宁市', '青秀区'],
];

/** Cross-border buyers (跨境), served from the overseas warehouse: US states and cities. */
const abroad: readonly (readonly [string, string, string])[] = [
  ['CA', 'Los Angeles', '90012'],
  ['CA', 'San Francisco', '94103'],
  ['WA', 'Seattle', '98101'],
  ['NY', 'New York', '10001'],
];
const westernNames = ['Alex Chen', 'Jamie Lee', 'Sam Wong', 'Taylor Lin', 'Jordan Wu'];

/** What the synthetic demo orders sell. */
export const demoProducts = [
  { sku: 'SOFA-GREY-3S', title: '三人布艺沙发 灰色', price: 199900 },
  { sku: 'TEE-WHITE-M', title: '纯棉短袖T恤 白色 M', price: 5900 },
  { sku: 'DIAPER-L-54', title: '婴儿纸尿裤 L码 54片', price: 12900 },
  { sku: 'WASHER-10KG', title: '滚筒洗衣机 10公斤', price: 259900 },
  { sku: 'TEA-LONGJING-250', title: '明前龙井 250g', price: 36800 },
  { sku: 'PILLOW-01', title: '抱枕', price: 3450 },
];

const channels = [
  { channel: 'taobao', shopId: 'tb-home' },
  { channel: 'tmall', shopId: 'tm-flagship' },
  { channel: 'jd', shopId: 'jd-self' },
  { channel: 'pdd', shopId: 'pdd-outlet' },
] as const;

const tagSets: readonly string[][] = [[], [], [], ['VIP'], ['限时达'], ['次日达'], ['presale_final']];

/** A small deterministic PRNG (mulberry32), so a demo run can be reproduced. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export function demoOrder(rand: () => number, sequence: number, at: Date): OrderInput {
  const { channel, shopId } = pick(rand, channels);
  const [province, city, district] = pick(rand, regions);
  const lineCount = 1 + Math.floor(rand() * 3);
  const products = [...demoProducts].sort(() => rand() - 0.5).slice(0, lineCount);
  const lines = products.map((p) => ({ sku: p.sku, title: p.title, quantity: 1 + Math.floor(rand() * 2), unitPriceFen: p.price }));
  const goods = lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
  const discountFen = rand() < 0.3 ? Math.min(goods, 1000 * (1 + Math.floor(rand() * 5))) : 0;
  const paid = rand() < 0.85;
  const orderedAt = new Date(at.getTime() - 20_000);
  // One order in twelve goes abroad.
  const overseas = rand() < 1 / 12 ? pick(rand, abroad) : null;
  return {
    channel,
    shopId,
    channelOrderId: `DEMO${String(at.getTime()).slice(-9)}${String(sequence).padStart(5, '0')}`,
    status: paid ? 'paid' : 'created',
    buyerRef: `demo-buyer-${Math.floor(rand() * 5000)}`,
    currency: 'CNY',
    shippingFen: 0,
    discountFen,
    totalFen: goods - discountFen,
    receiver: overseas
      ? {
        // 555-01xx numbers are reserved for fiction in North America.
        name: pick(rand, westernNames), phone: `+1-213-555-01${String(Math.floor(rand() * 100)).padStart(2, '0')}`, country: 'US',
        province: overseas[0], city: overseas[1], address: `${1 + Math.floor(rand() * 999)} Sample Street`, postcode: overseas[2],
      }
      : {
        name: pick(rand, surnames) + pick(rand, givenNames),
        // 100… is no mobile prefix in China: sample numbers can never reach a real person.
        phone: `100${String(Math.floor(rand() * 100_000_000)).padStart(8, '0')}`,
        country: 'CN',
        province,
        city,
        district,
        address: `示例路 ${1 + Math.floor(rand() * 999)} 号`,
      },
    tags: ['demo', ...pick(rand, tagSets)],
    // As a Chinese shop system writes them: Beijing's offset, which the intake records converting.
    orderedAt: isoInZone(orderedAt, CHINA_ZONE),
    paidAt: paid ? isoInZone(at, CHINA_ZONE) : undefined,
    channelModifiedAt: isoInZone(at, CHINA_ZONE),
    lines,
  };
}
