/** Words the generated rows are made of. Several first names start with "mar" (the search prefix). */

export const SEARCH_PREFIX = 'mar';

export const FIRST_NAMES = (
  'james mary john patricia robert jennifer michael linda david elizabeth william ' +
  'barbara richard susan joseph jessica thomas sarah chris karen daniel lisa matthew ' +
  'nancy anthony betty mark maria marcus martin marie mario marco margaret steven emily ' +
  'paul donna andrew michelle kevin carol brian amanda george melissa timothy deborah ' +
  'ronald laura jason rebecca ryan sharon jacob cynthia gary kathleen nicholas amy eric ' +
  'angela jonathan helen stephen anna larry brenda justin pamela scott emma brandon ' +
  'nicole benjamin samantha raj priya wei mei hiroshi yuki lukas sofia mateo lucia omar ' +
  'fatima ivan olga kwame amara'
).split(' ');

export const LAST_NAMES = (
  'smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez ' +
  'lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson ' +
  'white harris sanchez clark ramirez lewis robinson walker young allen king wright ' +
  'scott torres nguyen hill flores green adams nelson baker hall rivera campbell ' +
  'mitchell carter roberts patel kim chen wang singh muller schmidt rossi tanaka sato ' +
  'silva santos kowalski novak dubois jensen'
).split(' ');

export const HANDLE_WORDS = (
  'trades capital invests options charts bull bear alpha value swing daytrader quant ' +
  'macro dividends growth fx crypto ta degen hodl'
).split(' ');

export const BIOS = [
  'Swing trader. Not financial advice.',
  'Options, mostly spreads. Risk first.',
  'Long-term investor, dividend growth.',
  'Day trading futures and large caps.',
  'Tech and semis. Charts over opinions.',
  'Value investor in a momentum market.',
  'Macro, rates and the dollar.',
  'Learning every day. Paper trading for now.',
  'CFA. Views are my own.',
  'Small caps and biotech catalysts.',
];

export const COUNTRIES: Array<[string, string]> = [
  ['US', 'America/New_York'],
  ['US', 'America/Chicago'],
  ['US', 'America/Los_Angeles'],
  ['US', 'America/New_York'],
  ['GB', 'Europe/London'],
  ['CA', 'America/Toronto'],
  ['DE', 'Europe/Berlin'],
  ['IN', 'Asia/Kolkata'],
  ['AU', 'Australia/Sydney'],
  ['FR', 'Europe/Paris'],
  ['NL', 'Europe/Amsterdam'],
  ['SG', 'Asia/Singapore'],
  ['BR', 'America/Sao_Paulo'],
  ['JP', 'Asia/Tokyo'],
];

export const BULLISH_OPENERS = [
  'Loading up on',
  'Adding more',
  'Long',
  'Bought the dip in',
  'Calls on',
  'Breakout watch:',
  'Bullish on',
  'Starter position in',
  'Still holding',
  'Cup and handle forming on',
];
export const BEARISH_OPENERS = [
  'Trimming',
  'Puts on',
  'Shorting',
  'Bearish on',
  'Took profits on',
  'Lower highs on',
  'Stopped out of',
  'Careful with',
  'Sold half of',
  'Failed breakout on',
];
export const NEUTRAL_OPENERS = [
  'Watching',
  'Thoughts on',
  'Earnings this week:',
  'Chart check:',
  'Anyone holding',
  'Big volume today in',
  'Levels for tomorrow:',
  'What is the play on',
];
export const CLOSERS = [
  'into earnings.',
  'this week.',
  'before the close.',
  'Support held again.',
  '🚀🚀',
  'Not financial advice.',
  'Volume confirms it.',
  'Tight stop below the 50 day.',
  'Guidance was better than feared.',
  'Let us see what the Fed says.',
  'Patience pays.',
  'RSI is stretched though.',
  'Risk/reward looks good here.',
  '📉',
  'Thoughts?',
];
export const PLAIN_POSTS = [
  'Market feels heavy today, staying in cash.',
  'CPI tomorrow. Sizing down until it is out.',
  'Great day for the bulls, everything green.',
  'Journaling my trades has helped more than any indicator.',
  'Red day. Sticking to the plan.',
  'Bond yields are the only chart that matters right now.',
  'Closed every position before the weekend.',
  'Volatility is back. Respect your stops.',
  'First profitable month this year!',
  'Fed minutes at 2pm, expect chop until then.',
  'Breadth is terrible under the surface.',
  'Rotation out of tech into value again?',
];
export const EXTRA_SENTENCES = [
  'The trend is your friend until it ends.',
  'I have been wrong before, so small size.',
  'Watching the 200 day moving average closely; a clean break changes the picture.',
  'Management sounded confident on the call and the buyback helps.',
  'Implied volatility is still high, so selling premium looks better than buying it.',
  'Will update if it closes above resistance.',
];
export const COMMENTS = [
  'Great call!',
  'Agreed, watching this closely.',
  'What is your price target?',
  'Bagholder here 😅',
  'This aged well.',
  'Source?',
  'I am in too.',
  'Careful, volume is thin.',
  'Thanks for sharing the chart.',
  'Sold too early again...',
  'Where is your stop?',
  'Earnings will decide it.',
  'Could not agree more.',
  'Respectfully, no.',
  'LFG 🚀',
  'How long are you holding?',
  'Nice entry.',
  'The macro picture says otherwise.',
];
export const POLL_OPTION_SETS = [
  ['Bullish', 'Bearish', 'Sideways', 'Just watching'],
  ['Calls', 'Puts', 'Shares', 'Cash'],
  ['Yes', 'No', 'Maybe', 'Too early to tell'],
  ['Higher', 'Lower', 'Flat', 'No idea'],
];
