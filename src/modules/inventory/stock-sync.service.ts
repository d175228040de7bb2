// The listing calls order intake makes, where it has always found them.
export { ensureListings, ensureListingsCtes, type SoldListing } from './stock-listings.service.ts';
