//! The fake's price list: per-TLD yearly prices for each process (create,
//! renew, transfer, restore), premium names, the tax rate, and the names
//! registered elsewhere. `/domain/check` and `/billing/price/domain` both
//! answer from it, and a test can change a price between a quote and an
//! order.

use std::collections::BTreeMap;

/// Yearly prices of one TLD before taxes, in `Prices::currency`.
#[derive(Debug, Clone, PartialEq)]
pub struct TldPrices {
    pub create: f64,
    pub renew: f64,
    pub transfer: f64,
    pub restore: f64,
    /// Registration and renewal bounds, in years.
    pub min_years: u32,
    pub max_years: u32,
    /// `ccTLD` or `gTLD`.
    pub category: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prices {
    pub currency: String,
    /// Gandi's price grid of the account (`A` .. `E`).
    pub grid: String,
    /// VAT as a fraction (0.20 = 20 %).
    pub tax_rate: f64,
    pub tlds: BTreeMap<String, TldPrices>,
    /// Premium names (ASCII fqdn) and their yearly create price before taxes.
    pub premium: BTreeMap<String, f64>,
    /// Names registered elsewhere (not in this account, not available).
    pub taken: Vec<String>,
}

impl Prices {
    /// The default list (EUR, grid A, 20 % VAT).
    pub fn seeded() -> Prices {
        let tld = |create: f64, renew: f64, transfer: f64, cat: &str| TldPrices {
            create,
            renew,
            transfer,
            restore: 150.0,
            min_years: 1,
            max_years: 10,
            category: cat.to_string(),
        };
        let mut tlds = BTreeMap::new();
        tlds.insert("com".into(), tld(13.5, 15.0, 15.0, "gTLD"));
        tlds.insert("net".into(), tld(15.0, 17.0, 17.0, "gTLD"));
        tlds.insert("org".into(), tld(14.0, 16.0, 16.0, "gTLD"));
        tlds.insert("dev".into(), tld(12.0, 14.0, 14.0, "gTLD"));
        tlds.insert("io".into(), tld(35.0, 45.0, 45.0, "ccTLD"));
        tlds.insert("fr".into(), tld(10.0, 10.0, 10.0, "ccTLD"));
        tlds.insert("eu".into(), tld(8.0, 9.0, 9.0, "ccTLD"));
        let mut premium = BTreeMap::new();
        premium.insert("gold.dev".into(), 1500.0);
        premium.insert("cloud.io".into(), 4200.0);
        Prices {
            currency: "EUR".into(),
            grid: "A".into(),
            tax_rate: 0.20,
            tlds,
            premium,
            taken: vec![
                "example.org".into(),
                "google.com".into(),
                "taken-elsewhere.com".into(),
            ],
        }
    }

    /// Prices of the TLD of `fqdn`.
    pub fn for_fqdn(&self, fqdn: &str) -> Option<&TldPrices> {
        let tld = fqdn.rsplit('.').next()?;
        self.tlds.get(tld)
    }

    /// With taxes, rounded to the cent.
    pub fn with_taxes(&self, amount: f64) -> f64 {
        ((amount * (1.0 + self.tax_rate)) * 100.0).round() / 100.0
    }
}

impl Default for Prices {
    fn default() -> Prices {
        Prices::seeded()
    }
}
