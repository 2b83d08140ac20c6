import { type Kysely, sql } from 'kysely';

/**
 * Names for the symbols traders mention most, so that a ticker page and search can show
 * "NVIDIA Corporation" and find NVDA by "nvidia". Any other ticker is created without a name
 * on its first mention, as before. A name already set is kept.
 */
export const KNOWN_TICKERS: ReadonlyArray<readonly [string, string]> = [
  ['AAPL', 'Apple Inc.'],
  ['MSFT', 'Microsoft Corporation'],
  ['NVDA', 'NVIDIA Corporation'],
  ['GOOGL', 'Alphabet Inc. Class A'],
  ['GOOG', 'Alphabet Inc. Class C'],
  ['AMZN', 'Amazon.com, Inc.'],
  ['META', 'Meta Platforms, Inc.'],
  ['TSLA', 'Tesla, Inc.'],
  ['BRK.A', 'Berkshire Hathaway Inc. Class A'],
  ['BRK.B', 'Berkshire Hathaway Inc. Class B'],
  ['AVGO', 'Broadcom Inc.'],
  ['AMD', 'Advanced Micro Devices, Inc.'],
  ['INTC', 'Intel Corporation'],
  ['QCOM', 'QUALCOMM Incorporated'],
  ['TSM', 'Taiwan Semiconductor Manufacturing Company'],
  ['ASML', 'ASML Holding N.V.'],
  ['MU', 'Micron Technology, Inc.'],
  ['ARM', 'Arm Holdings plc'],
  ['SMCI', 'Super Micro Computer, Inc.'],
  ['ORCL', 'Oracle Corporation'],
  ['CRM', 'Salesforce, Inc.'],
  ['ADBE', 'Adobe Inc.'],
  ['NFLX', 'Netflix, Inc.'],
  ['DIS', 'The Walt Disney Company'],
  ['PLTR', 'Palantir Technologies Inc.'],
  ['SNOW', 'Snowflake Inc.'],
  ['SHOP', 'Shopify Inc.'],
  ['UBER', 'Uber Technologies, Inc.'],
  ['ABNB', 'Airbnb, Inc.'],
  ['COIN', 'Coinbase Global, Inc.'],
  ['HOOD', 'Robinhood Markets, Inc.'],
  ['PYPL', 'PayPal Holdings, Inc.'],
  ['SQ', 'Block, Inc.'],
  ['V', 'Visa Inc.'],
  ['MA', 'Mastercard Incorporated'],
  ['JPM', 'JPMorgan Chase & Co.'],
  ['BAC', 'Bank of America Corporation'],
  ['GS', 'The Goldman Sachs Group, Inc.'],
  ['MS', 'Morgan Stanley'],
  ['WFC', 'Wells Fargo & Company'],
  ['C', 'Citigroup Inc.'],
  ['SCHW', 'The Charles Schwab Corporation'],
  ['BLK', 'BlackRock, Inc.'],
  ['XOM', 'Exxon Mobil Corporation'],
  ['CVX', 'Chevron Corporation'],
  ['OXY', 'Occidental Petroleum Corporation'],
  ['JNJ', 'Johnson & Johnson'],
  ['PFE', 'Pfizer Inc.'],
  ['MRNA', 'Moderna, Inc.'],
  ['LLY', 'Eli Lilly and Company'],
  ['NVO', 'Novo Nordisk A/S'],
  ['UNH', 'UnitedHealth Group Incorporated'],
  ['ABBV', 'AbbVie Inc.'],
  ['MRK', 'Merck & Co., Inc.'],
  ['WMT', 'Walmart Inc.'],
  ['COST', 'Costco Wholesale Corporation'],
  ['TGT', 'Target Corporation'],
  ['HD', 'The Home Depot, Inc.'],
  ['NKE', 'NIKE, Inc.'],
  ['SBUX', 'Starbucks Corporation'],
  ['MCD', "McDonald's Corporation"],
  ['KO', 'The Coca-Cola Company'],
  ['PEP', 'PepsiCo, Inc.'],
  ['PG', 'The Procter & Gamble Company'],
  ['BA', 'The Boeing Company'],
  ['CAT', 'Caterpillar Inc.'],
  ['GE', 'GE Aerospace'],
  ['F', 'Ford Motor Company'],
  ['GM', 'General Motors Company'],
  ['RIVN', 'Rivian Automotive, Inc.'],
  ['LCID', 'Lucid Group, Inc.'],
  ['NIO', 'NIO Inc.'],
  ['BABA', 'Alibaba Group Holding Limited'],
  ['T', 'AT&T Inc.'],
  ['VZ', 'Verizon Communications Inc.'],
  ['GME', 'GameStop Corp.'],
  ['AMC', 'AMC Entertainment Holdings, Inc.'],
  ['MSTR', 'MicroStrategy Incorporated'],
  ['SPY', 'SPDR S&P 500 ETF Trust'],
  ['QQQ', 'Invesco QQQ Trust'],
  ['IWM', 'iShares Russell 2000 ETF'],
  ['DIA', 'SPDR Dow Jones Industrial Average ETF Trust'],
  ['VOO', 'Vanguard S&P 500 ETF'],
  ['VTI', 'Vanguard Total Stock Market ETF'],
  ['ARKK', 'ARK Innovation ETF'],
  ['TLT', 'iShares 20+ Year Treasury Bond ETF'],
  ['GLD', 'SPDR Gold Shares'],
  ['SLV', 'iShares Silver Trust'],
  ['USO', 'United States Oil Fund'],
  ['SOXL', 'Direxion Daily Semiconductor Bull 3X Shares'],
  ['TQQQ', 'ProShares UltraPro QQQ'],
  ['SQQQ', 'ProShares UltraPro Short QQQ'],
  ['VIX', 'CBOE Volatility Index'],
  ['BTC-USD', 'Bitcoin'],
  ['ETH-USD', 'Ethereum'],
  ['SOL-USD', 'Solana'],
  ['DOGE-USD', 'Dogecoin'],
  ['IBIT', 'iShares Bitcoin Trust ETF'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const rows = [...KNOWN_TICKERS].sort(([a], [b]) => (a < b ? -1 : 1));
  const values = sql.join(rows.map(([symbol, name]) => sql`(${symbol}, ${name})`));
  // ordered by symbol, as every other writer of tickers, so no two lock them crosswise
  await sql`
    insert into tickers (symbol, name)
    select symbol, name from (values ${values}) as known (symbol, name) order by symbol
    on conflict (symbol) do update set name = excluded.name where tickers.name is null
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const rows = [...KNOWN_TICKERS];
  for (const [symbol, name] of rows) {
    // a ticker nobody mentioned goes; one in use keeps its row and loses the name given here
    await sql`delete from tickers where symbol = ${symbol} and name = ${name} and post_count = 0
      and not exists (select 1 from post_tickers pt where pt.symbol = ${symbol})
      and not exists (select 1 from user_interests ui where ui.symbol = ${symbol})
      and not exists (select 1 from watchlist_items w where w.symbol = ${symbol})`.execute(db);
    await sql`update tickers set name = null where symbol = ${symbol} and name = ${name}`.execute(
      db,
    );
  }
}
