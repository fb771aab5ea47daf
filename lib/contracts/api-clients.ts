/** A new API client's credentials, shown once by the admin page's forms (client components). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}
