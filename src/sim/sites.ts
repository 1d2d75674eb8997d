import type { Facility, ParkingType } from '../ocpi/v2_2_1/index.js';

/** A real public place where a simulated CPO runs a charging location. */
export interface Site {
  /** City code (see geo.ts). */
  city: string;
  name: string;
  address: string;
  postalCode: string;
  /** Decimal degrees with 6 decimals, as OCPI wants them (5 to 7). */
  latitude: string;
  longitude: string;
  parkingType: ParkingType;
  facilities: Facility[];
}

const site = (
  city: string,
  name: string,
  address: string,
  postalCode: string,
  [latitude, longitude]: [string, string],
  parkingType: ParkingType,
  facilities: Facility[],
): Site => ({ city, name, address, postalCode, latitude, longitude, parkingType, facilities });

export const SITES: readonly Site[] = [
  site('SEA', 'Seattle Center', '305 Harrison St', '98109', ['47.621400', '-122.351900'], 'PARKING_GARAGE', ['MUSEUM', 'RECREATION_AREA']),
  site('SEA', 'Pike Place Market', '85 Pike St', '98101', ['47.609500', '-122.341700'], 'PARKING_GARAGE', ['RESTAURANT', 'CAFE']),
  site('SEA', 'Seattle Central Library', '1000 4th Ave', '98104', ['47.606700', '-122.332500'], 'ON_STREET', ['CAFE', 'BUS_STOP']),
  site('SEA', 'Lumen Field', '800 Occidental Ave S', '98134', ['47.595200', '-122.331600'], 'PARKING_LOT', ['SPORT']),
  site('PDX', 'Pioneer Courthouse Square', '701 SW 6th Ave', '97204', ['45.518900', '-122.679300'], 'ON_STREET', ['CAFE', 'TRAM_STOP']),
  site('PDX', "Powell's City of Books", '1005 W Burnside St', '97209', ['45.523100', '-122.681300'], 'PARKING_GARAGE', ['CAFE']),
  site('PDX', 'OMSI', '1945 SE Water Ave', '97214', ['45.508400', '-122.665600'], 'PARKING_LOT', ['MUSEUM']),
  site('PDX', 'Portland International Airport', '7000 NE Airport Way', '97218', ['45.588700', '-122.593000'], 'PARKING_GARAGE', ['AIRPORT']),
  site('SFO', 'Ferry Building', '1 Ferry Building', '94111', ['37.795500', '-122.393700'], 'PARKING_LOT', ['RESTAURANT', 'BUS_STOP']),
  site('SFO', 'Oracle Park', '24 Willie Mays Plaza', '94107', ['37.778600', '-122.389300'], 'PARKING_LOT', ['SPORT']),
  site('SFO', 'SFMOMA', '151 3rd St', '94103', ['37.785700', '-122.401100'], 'PARKING_GARAGE', ['MUSEUM']),
  site('SFO', 'de Young Museum', '50 Hagiwara Tea Garden Dr', '94118', ['37.771500', '-122.468700'], 'UNDERGROUND_GARAGE', ['MUSEUM', 'NATURE']),
  site('LAX', 'Walt Disney Concert Hall', '111 S Grand Ave', '90012', ['34.055300', '-118.249800'], 'UNDERGROUND_GARAGE', ['RESTAURANT']),
  site('LAX', 'Crypto.com Arena', '1111 S Figueroa St', '90015', ['34.043000', '-118.267300'], 'PARKING_LOT', ['SPORT']),
  site('LAX', 'Getty Center', '1200 Getty Center Dr', '90049', ['34.078000', '-118.474100'], 'PARKING_GARAGE', ['MUSEUM']),
  site('LAX', 'Griffith Observatory', '2800 E Observatory Rd', '90027', ['34.118400', '-118.300400'], 'PARKING_LOT', ['MUSEUM', 'NATURE']),
  site('DEN', 'Union Station', '1701 Wynkoop St', '80202', ['39.753200', '-105.000100'], 'UNDERGROUND_GARAGE', ['TRAIN_STATION']),
  site('DEN', 'Coors Field', '2001 Blake St', '80205', ['39.755900', '-104.994200'], 'PARKING_LOT', ['SPORT']),
  site('DEN', 'Denver Art Museum', '100 W 14th Ave Pkwy', '80204', ['39.737200', '-104.989200'], 'PARKING_GARAGE', ['MUSEUM']),
  site('DEN', 'Denver International Airport', '8500 Peña Blvd', '80249', ['39.849300', '-104.673800'], 'PARKING_GARAGE', ['AIRPORT']),
  site('CHI', 'Millennium Park', '201 E Randolph St', '60602', ['41.882600', '-87.622600'], 'UNDERGROUND_GARAGE', ['RECREATION_AREA']),
  site('CHI', 'Wrigley Field', '1060 W Addison St', '60613', ['41.948400', '-87.655300'], 'PARKING_LOT', ['SPORT']),
  site('CHI', 'Field Museum', '1400 S Lake Shore Dr', '60605', ['41.866100', '-87.617000'], 'PARKING_LOT', ['MUSEUM']),
  site('CHI', 'Navy Pier', '600 E Grand Ave', '60611', ['41.891700', '-87.609100'], 'PARKING_GARAGE', ['RESTAURANT', 'RECREATION_AREA']),
  site('NYC', 'Grand Central Terminal', '89 E 42nd St', '10017', ['40.752700', '-73.977200'], 'PARKING_GARAGE', ['TRAIN_STATION', 'METRO_STATION']),
  site('NYC', 'Hudson Yards', '20 Hudson Yards', '10001', ['40.753700', '-74.002100'], 'UNDERGROUND_GARAGE', ['MALL']),
  site('NYC', 'Empire State Building', '350 5th Ave', '10118', ['40.748400', '-73.985700'], 'PARKING_GARAGE', ['METRO_STATION']),
  site('NYC', 'Lincoln Center', '10 Lincoln Center Plaza', '10023', ['40.772500', '-73.983500'], 'UNDERGROUND_GARAGE', ['RESTAURANT']),
  site('BOS', 'Fenway Park', '4 Jersey St', '02215', ['42.346700', '-71.097200'], 'PARKING_LOT', ['SPORT']),
  site('BOS', 'Faneuil Hall Marketplace', '4 S Market St', '02109', ['42.360000', '-71.054800'], 'PARKING_GARAGE', ['RESTAURANT']),
  site('BOS', 'Boston Public Library', '700 Boylston St', '02116', ['42.349500', '-71.078100'], 'ON_STREET', ['METRO_STATION']),
  site('BOS', 'Logan International Airport', '1 Harborside Dr', '02128', ['42.365600', '-71.009600'], 'PARKING_GARAGE', ['AIRPORT']),
  site('TOR', 'CN Tower', '290 Bremner Blvd', 'M5V 3L9', ['43.642600', '-79.387100'], 'PARKING_LOT', ['RESTAURANT']),
  site('TOR', 'Union Station', '65 Front St W', 'M5J 1E6', ['43.645300', '-79.380600'], 'UNDERGROUND_GARAGE', ['TRAIN_STATION']),
  site('TOR', 'Toronto City Hall', '100 Queen St W', 'M5H 2N2', ['43.653400', '-79.384100'], 'UNDERGROUND_GARAGE', ['METRO_STATION']),
  site('TOR', 'St. Lawrence Market', '93 Front St E', 'M5E 1C3', ['43.648700', '-79.371600'], 'PARKING_LOT', ['SUPERMARKET']),
  site('MTL', 'Centre Bell', '1909 Av. des Canadiens-de-Montréal', 'H4B 5G0', ['45.496100', '-73.569300'], 'UNDERGROUND_GARAGE', ['SPORT']),
  site('MTL', 'Stade olympique', '4545 Av. Pierre-De Coubertin', 'H1V 0B2', ['45.558000', '-73.551500'], 'PARKING_GARAGE', ['SPORT']),
  site('MTL', 'Gare Centrale', '895 Rue De la Gauchetière O', 'H3B 4G1', ['45.499600', '-73.566600'], 'UNDERGROUND_GARAGE', ['TRAIN_STATION']),
  site('MTL', 'Marché Jean-Talon', '7070 Av. Henri-Julien', 'H2S 3S3', ['45.536300', '-73.614800'], 'PARKING_LOT', ['SUPERMARKET']),
  site('VAN', 'Canada Place', '999 Canada Pl', 'V6C 3T4', ['49.288800', '-123.111100'], 'UNDERGROUND_GARAGE', ['HOTEL']),
  site('VAN', 'Rogers Arena', '800 Griffiths Way', 'V6B 6G1', ['49.277800', '-123.108900'], 'PARKING_GARAGE', ['SPORT']),
  site('VAN', 'Granville Island Public Market', '1669 Johnston St', 'V6H 3R9', ['49.272300', '-123.135000'], 'PARKING_LOT', ['SUPERMARKET']),
  site('VAN', 'Vancouver Art Gallery', '750 Hornby St', 'V6Z 2H7', ['49.282900', '-123.120400'], 'ON_STREET', ['MUSEUM']),
  site('CAL', 'Calgary Tower', '101 9 Ave SW', 'T2P 1J9', ['51.044300', '-114.063100'], 'PARKING_GARAGE', ['RESTAURANT']),
  site('CAL', 'Scotiabank Saddledome', '555 Saddledome Rise SE', 'T2G 2W1', ['51.037400', '-114.051900'], 'PARKING_LOT', ['SPORT']),
  site('CAL', 'Calgary Zoo', "210 St George's Dr NE", 'T2E 7V6', ['51.045900', '-114.028600'], 'PARKING_LOT', ['NATURE']),
  site('CAL', 'Calgary International Airport', '2000 Airport Rd NE', 'T2E 6W5', ['51.131400', '-114.010600'], 'PARKING_GARAGE', ['AIRPORT']),
];

export function sitesIn(cityCodes: readonly string[]): Site[] {
  return SITES.filter((s) => cityCodes.includes(s.city));
}
