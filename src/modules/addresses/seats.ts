/**
 * Coordinates of each province-level division's seat (capital), by province code. No maintained
 * npm data package carries coordinates for the national division codes, so distances between
 * receivers and warehouses are measured seat to seat: fine enough to tell 华东 from 华南 from 华北.
 */
const seats: Record<string, readonly [number, number]> = {
  '11': [39.904, 116.407], // 北京
  '12': [39.125, 117.19], // 天津
  '13': [38.042, 114.515], // 石家庄
  '14': [37.871, 112.549], // 太原
  '15': [40.842, 111.749], // 呼和浩特
  '21': [41.805, 123.431], // 沈阳
  '22': [43.817, 125.324], // 长春
  '23': [45.803, 126.535], // 哈尔滨
  '31': [31.23, 121.474], // 上海
  '32': [32.06, 118.797], // 南京
  '33': [30.274, 120.155], // 杭州
  '34': [31.821, 117.227], // 合肥
  '35': [26.074, 119.296], // 福州
  '36': [28.682, 115.858], // 南昌
  '37': [36.651, 117.121], // 济南
  '41': [34.747, 113.625], // 郑州
  '42': [30.593, 114.305], // 武汉
  '43': [28.228, 112.939], // 长沙
  '44': [23.129, 113.264], // 广州
  '45': [22.817, 108.366], // 南宁
  '46': [20.044, 110.199], // 海口
  '50': [29.563, 106.551], // 重庆
  '51': [30.572, 104.066], // 成都
  '52': [26.647, 106.63], // 贵阳
  '53': [25.038, 102.718], // 昆明
  '54': [29.652, 91.172], // 拉萨
  '61': [34.341, 108.94], // 西安
  '62': [36.061, 103.834], // 兰州
  '63': [36.617, 101.778], // 西宁
  '64': [38.487, 106.231], // 银川
  '65': [43.826, 87.617], // 乌鲁木齐
  '71': [25.033, 121.565], // 台北
  '81': [22.32, 114.17], // 香港
  '82': [22.199, 113.544], // 澳门
};

export interface Coordinates {
  latitude: number;
  longitude: number;
}

/** The seat of the province a division code (any level) belongs to; null for a code outside China's provinces. */
export function provinceSeat(divisionCode: string): Coordinates | null {
  const seat = seats[divisionCode.slice(0, 2)];
  return seat ? { latitude: seat[0], longitude: seat[1] } : null;
}

/** Great-circle distance in km. */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
