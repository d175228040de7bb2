import type { Prng } from './prng.ts';
import { PROVINCES, type Division } from './regions.ts';

/**
 * Realistic Chinese receivers (收件人) for generated orders: a name drawn from common surnames, a
 * mobile number on a real carrier prefix, and a province/city/district whose division codes agree.
 * The full values exist only inside the sandbox; each marketplace sandbox decides what it exposes
 * (masked, encrypted), as the real platforms never hand out plain receiver data.
 */

export interface Receiver {
  readonly name: string;
  /** Eleven digits, plain. Only the sandbox sees it; the wire gets `maskedPhone` or a cipher. */
  readonly phone: string;
  /** `张**`: surname kept, the rest starred, as the platforms mask names. */
  readonly maskedName: string;
  /** `138****5678`. */
  readonly maskedPhone: string;
  readonly province: Division;
  readonly city: Division;
  readonly district: Division;
  /** 街道; the code is the district code plus three digits, as GB/T 2260's township codes extend it. */
  readonly street: Division;
  /** Road, number, estate, building, unit and room: what a courier needs after the district. */
  readonly detail: string;
}

// The most common surnames with rough frequencies (percent of the population), so 王/李/张 dominate
// as they do in real order data; the tail shares the remaining weight.
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 7.1], ['李', 7.0], ['张', 6.8], ['刘', 5.4], ['陈', 4.5], ['杨', 3.1], ['黄', 2.2], ['赵', 2.0],
  ['吴', 1.9], ['周', 1.9], ['徐', 1.4], ['孙', 1.3], ['马', 1.2], ['朱', 1.2], ['胡', 1.1], ['郭', 1.1],
  ['何', 1.0], ['高', 1.0], ['林', 1.0], ['罗', 0.9], ['郑', 0.8], ['梁', 0.8], ['谢', 0.7], ['宋', 0.7],
  ['唐', 0.6], ['许', 0.6], ['韩', 0.6], ['冯', 0.5], ['邓', 0.5], ['曹', 0.5], ['彭', 0.5], ['曾', 0.5],
  ['肖', 0.5], ['田', 0.4], ['董', 0.4], ['袁', 0.4], ['潘', 0.4], ['于', 0.4], ['蒋', 0.4], ['蔡', 0.4],
  ['余', 0.4], ['杜', 0.3], ['叶', 0.3], ['程', 0.3], ['苏', 0.3], ['魏', 0.3], ['吕', 0.3], ['丁', 0.3],
  ['任', 0.3], ['沈', 0.3], ['姚', 0.3], ['卢', 0.3], ['姜', 0.2], ['崔', 0.2], ['钟', 0.2], ['谭', 0.2],
  ['陆', 0.2], ['汪', 0.2], ['范', 0.2], ['金', 0.2], ['石', 0.2], ['廖', 0.2], ['贾', 0.2], ['夏', 0.2],
  ['韦', 0.2], ['方', 0.2], ['白', 0.2], ['邹', 0.2], ['孟', 0.2], ['熊', 0.2], ['秦', 0.2], ['欧阳', 0.05],
];

const GIVEN_CHARS = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫浩宇轩梓涵欣怡子豪佳琪思远晨曦若汐一诺沐阳雨桐嘉怡俊杰文博'];

// Mobile prefixes in use across China Mobile, Unicom and Telecom (号段).
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152',
  '153', '155', '156', '157', '158', '159', '166', '172', '173', '175', '176', '177', '178', '180',
  '181', '182', '183', '184', '185', '186', '187', '188', '189', '191', '195', '198', '199',
];

const STREET_NAMES = [
  '城关街道', '新华街道', '人民街道', '解放街道', '建设街道', '朝阳街道', '东风街道', '和平街道', '向阳街道',
  '长安街道', '文化街道', '滨江街道', '南湖街道', '北苑街道', '龙华街道', '金桥街道', '花园街道', '湖滨街道',
];

const ROADS = [
  '中山路', '人民路', '解放路', '建设路', '和平路', '新华路', '胜利路', '文化路', '长江路', '黄河路', '东风路',
  '光明路', '青年路', '迎宾大道', '世纪大道', '科技路', '学府路', '滨江路', '幸福路', '工业园路',
];

const ESTATES = [
  '阳光花园', '锦绣家园', '翠苑小区', '幸福里', '桂花园', '万科城', '碧桂园', '保利花园', '金地名苑', '世纪新城',
  '书香门第', '滨江壹号', '绿地中央广场', '龙湖春江郦城', '华润城', '恒大名都',
];

export function generateName(rng: Prng): { name: string; maskedName: string } {
  const surname = rng.weighted(SURNAMES, ([, weight]) => weight)[0];
  const givenLength = rng.chance(0.7) ? 2 : 1;
  let given = '';
  for (let i = 0; i < givenLength; i++) given += rng.pick(GIVEN_CHARS);
  return { name: surname + given, maskedName: surname + '*'.repeat(given.length) };
}

export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function generatePhone(rng: Prng): string {
  return rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
}

/** A province by population, then a city by its share, then any of its listed districts. */
export function generateAddress(rng: Prng): Pick<Receiver, 'province' | 'city' | 'district' | 'street' | 'detail'> {
  const province = rng.weighted(PROVINCES, (p) => p.population);
  const city = rng.weighted(province.cities, (c) => c.weight);
  const district = rng.pick(city.districts);
  const streetIndex = rng.int(1, 18);
  const street = {
    code: district.code + String(streetIndex).padStart(3, '0'),
    name: STREET_NAMES[(streetIndex - 1) % STREET_NAMES.length] as string,
  };
  const detail =
    `${rng.pick(ROADS)}${rng.int(1, 999)}号${rng.pick(ESTATES)}` +
    `${rng.int(1, 32)}栋${rng.int(1, 6)}单元${rng.int(1, 33)}${String(rng.int(1, 4)).padStart(2, '0')}室`;
  return {
    province: { code: province.code, name: province.name },
    city: { code: city.code, name: city.name },
    district,
    street,
    detail,
  };
}

export function generateReceiver(rng: Prng): Receiver {
  const { name, maskedName } = generateName(rng);
  const phone = generatePhone(rng);
  return { name, maskedName, phone, maskedPhone: maskPhone(phone), ...generateAddress(rng) };
}

/**
 * The receiver after a buyer edits the address (改地址): usually a new address for the same person,
 * sometimes a different recipient altogether (a gift, a colleague collecting at the office).
 */
export function changeReceiver(rng: Prng, before: Receiver): Receiver {
  return rng.chance(0.25) ? generateReceiver(rng) : { ...before, ...generateAddress(rng) };
}
