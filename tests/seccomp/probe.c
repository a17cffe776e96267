/* placeholder: replaced by the probe program */
int main (void);
int
main (void)
{
  return 0;
}
