/**
 * The tickers of the data set, most mentioned first: real symbols for the head of the
 * distribution (what traders actually talk about), then made-up three- and four-letter symbols,
 * from a seeded generator so every seed makes the same list.
 */
const REAL: Array<[string, string]> = [
  ['TSLA', 'Tesla, Inc.'],
  ['NVDA', 'NVIDIA Corporation'],
  ['AAPL', 'Apple Inc.'],
  ['SPY', 'SPDR S&P 500 ETF Trust'],
  ['AMD', 'Advanced Micro Devices, Inc.'],
  ['QQQ', 'Invesco QQQ Trust'],
  ['MSFT', 'Microsoft Corporation'],
  ['AMZN', 'Amazon.com, Inc.'],
  ['META', 'Meta Platforms, Inc.'],
  ['GME', 'GameStop Corp.'],
  ['PLTR', 'Palantir Technologies Inc.'],
  ['BTC-USD', 'Bitcoin USD'],
  ['GOOGL', 'Alphabet Inc. Class A'],
  ['AMC', 'AMC Entertainment Holdings, Inc.'],
  ['NFLX', 'Netflix, Inc.'],
  ['COIN', 'Coinbase Global, Inc.'],
  ['SOFI', 'SoFi Technologies, Inc.'],
  ['MARA', 'MARA Holdings, Inc.'],
  ['SMCI', 'Super Micro Computer, Inc.'],
  ['ETH-USD', 'Ethereum USD'],
  ['INTC', 'Intel Corporation'],
  ['BABA', 'Alibaba Group Holding Limited'],
  ['RIVN', 'Rivian Automotive, Inc.'],
  ['NIO', 'NIO Inc.'],
  ['IWM', 'iShares Russell 2000 ETF'],
  ['TLT', 'iShares 20+ Year Treasury Bond ETF'],
  ['ARKK', 'ARK Innovation ETF'],
  ['RIOT', 'Riot Platforms, Inc.'],
  ['HOOD', 'Robinhood Markets, Inc.'],
  ['BA', 'The Boeing Company'],
  ['DIS', 'The Walt Disney Company'],
  ['JPM', 'JPMorgan Chase & Co.'],
  ['BAC', 'Bank of America Corporation'],
  ['XOM', 'Exxon Mobil Corporation'],
  ['BRK.B', 'Berkshire Hathaway Inc. Class B'],
  ['F', 'Ford Motor Company'],
  ['UBER', 'Uber Technologies, Inc.'],
  ['SHOP', 'Shopify Inc.'],
  ['PYPL', 'PayPal Holdings, Inc.'],
  ['ROKU', 'Roku, Inc.'],
  ['SNOW', 'Snowflake Inc.'],
  ['LCID', 'Lucid Group, Inc.'],
  ['MSTR', 'MicroStrategy Incorporated'],
  ['AVGO', 'Broadcom Inc.'],
  ['TSM', 'Taiwan Semiconductor Manufacturing Company'],
  ['MU', 'Micron Technology, Inc.'],
  ['ARM', 'Arm Holdings plc'],
  ['CRM', 'Salesforce, Inc.'],
  ['ORCL', 'Oracle Corporation'],
  ['WMT', 'Walmart Inc.'],
  ['KO', 'The Coca-Cola Company'],
  ['PFE', 'Pfizer Inc.'],
  ['GLD', 'SPDR Gold Shares'],
  ['SLV', 'iShares Silver Trust'],
  ['VIX', 'CBOE Volatility Index'],
  ['DKNG', 'DraftKings Inc.'],
  ['RBLX', 'Roblox Corporation'],
  ['AFRM', 'Affirm Holdings, Inc.'],
  ['UPST', 'Upstart Holdings, Inc.'],
  ['CVNA', 'Carvana Co.'],
];

/** The hottest few: a quarter of all mentions go to them, split by these weights. */
export const HOT_WEIGHTS = [0.3, 0.25, 0.2, 0.15, 0.1];
export const HOT_SHARE = 0.22;

const SYLLABLES = ['Apex', 'Nova', 'Terra', 'Blue', 'Iron', 'Vista', 'Quantum', 'Summit'];
const KINDS = ['Holdings', 'Corp.', 'Inc.', 'Group', 'Therapeutics', 'Energy', 'Systems', 'ETF'];

export interface Ticker {
  symbol: string;
  name: string;
}

/** `count` tickers, ordered by how often they are mentioned (rank 1 first). */
export function tickerList(count: number): Ticker[] {
  const list = REAL.slice(0, count).map(([symbol, name]) => ({ symbol, name }));
  const taken = new Set(list.map((t) => t.symbol));
  const random = mulberry32(20261125);
  while (list.length < count) {
    const length = random() < 0.6 ? 4 : 3;
    let symbol = '';
    for (let i = 0; i < length; i++) symbol += String.fromCharCode(65 + Math.floor(random() * 26));
    if (taken.has(symbol)) continue;
    taken.add(symbol);
    const first = SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
    const kind = KINDS[Math.floor(random() * KINDS.length)]!;
    list.push({
      symbol,
      name: `${first} ${symbol.charAt(0)}${symbol.slice(1).toLowerCase()} ${kind}`,
    });
  }
  return list;
}

/** A small seeded generator (mulberry32): the same list on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
